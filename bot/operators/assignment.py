"""Automatic assignment (``operators.auto_assign``): each queued handoff, the most urgent
first, goes to the next operator in turn among those with a console open and not away.

Round robin by login, starting after the last one given a conversation; the leader replica
runs it with the queue sweeper, so two replicas never hand out the same turn. An operator
given a conversation takes it exactly as by «Взять» (the customer is told who joined); one
who is faster by hand wins, and the assigner moves on.
"""

from __future__ import annotations

import logging

from bot.dialogue.models import HandoffStatus, Priority
from bot.http.errors import ApiError
from bot.operators.desk import OperatorDesk
from bot.operators.ports import HandoffQueue, Presence
from bot.staff.models import StaffMember, StaffRole
from bot.staff.ports import StaffAccounts

log = logging.getLogger(__name__)


class AutoAssigner:
    def __init__(
        self, store: HandoffQueue, staff: StaffAccounts, presence: Presence, desk: OperatorDesk
    ) -> None:
        self._store = store
        self._staff = staff
        self._presence = presence
        self._desk = desk
        self._last: str | None = None

    async def assign_waiting(self) -> int:
        """One pass; returns how many handoffs were given to someone."""
        queued = [h for h in await self._store.open_handoffs() if h.status is HandoffStatus.QUEUED]
        if not queued:
            return 0
        available = await self._presence.online() - await self._presence.away()
        members = sorted(
            (
                m
                for m in await self._staff.list_members()
                if m.active and m.role is StaffRole.OPERATOR and m.name in available
            ),
            key=lambda m: m.name,
        )
        if not members:
            return 0
        queued.sort(key=lambda h: (h.priority is not Priority.HIGH, h.created_at))
        given = 0
        for handoff in queued:
            member = self._next(members)
            try:
                await self._desk.take(member, handoff.id)
            except ApiError:  # taken by hand meanwhile
                continue
            self._last = member.name
            given += 1
            log.info("handoff auto-assigned handoff=%s to=%s", handoff.id, member.name)
        return given

    def _next(self, members: list[StaffMember]) -> StaffMember:
        names = [m.name for m in members]
        if self._last is None or self._last not in names:
            later = [m for m in members if self._last is not None and m.name > self._last]
            return later[0] if later else members[0]
        return members[(names.index(self._last) + 1) % len(members)]
