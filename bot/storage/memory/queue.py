"""The operators' ``HandoffQueue`` in memory (the twin of ``SqlHandoffQueue``)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.dialogue.models import (
    Button,
    Handoff,
    HandoffEventKind,
    HandoffStatus,
    Resolution,
    Role,
    Route,
    StoredMessage,
)
from bot.storage.memory.database import MemoryDatabase


class MemoryHandoffQueue:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def open_handoffs(self) -> list[Handoff]:
        return [h for h in self._db.handoffs.values() if h.status.open]

    async def handoff(self, handoff_id: str) -> Handoff | None:
        return self._db.handoffs.get(handoff_id)

    async def take(self, handoff_id: str, operator: str) -> Handoff | None:
        return self._db.change_handoff(
            handoff_id,
            operator,
            lambda h: h.status is HandoffStatus.QUEUED,
            status=HandoffStatus.ASSIGNED,
            operator=operator,
            assigned_at=datetime.now(UTC),
        )

    async def assign(self, handoff_id: str, operator: str, by: str) -> Handoff | None:
        current = self._db.handoffs.get(handoff_id)
        if current is None:
            return None
        status = HandoffStatus.ACTIVE if current.first_reply_at else HandoffStatus.ASSIGNED
        return self._db.change_handoff(
            handoff_id,
            by,
            lambda h: h.status.open,
            status=status,
            operator=operator,
            assigned_at=datetime.now(UTC),
        )

    async def resolve(
        self, handoff_id: str, resolution: Resolution, by: str, *, owner: str | None
    ) -> Handoff | None:
        return self._db.change_handoff(
            handoff_id,
            by,
            lambda h: h.status.owned and (owner is None or h.operator == owner),
            status=HandoffStatus.RESOLVED,
            resolution=resolution,
            resolved_at=datetime.now(UTC),
        )

    async def add_operator_message(
        self, handoff_id: str, operator: str, author: str, text: str
    ) -> tuple[Handoff, StoredMessage] | None:
        current = self._db.handoffs.get(handoff_id)
        if current is None or not current.status.owned or current.operator != operator:
            return None
        now = datetime.now(UTC)
        message = self._db.add_message(
            StoredMessage(
                self._db.next_id(),
                current.conversation_id,
                Role.OPERATOR,
                text,
                now,
                author=author,
            )
        )
        handoff = dataclasses.replace(
            current, status=HandoffStatus.ACTIVE, first_reply_at=current.first_reply_at or now
        )
        self._db.handoffs[handoff_id] = handoff
        self._db.add_event(HandoffEventKind.MESSAGE, handoff, operator, message.id)
        return handoff, message

    async def add_bot_notice(
        self, handoff: Handoff, text: str, actor: str, buttons: Sequence[Button] = ()
    ) -> StoredMessage:
        message = self._db.add_message(
            StoredMessage(
                self._db.next_id(),
                handoff.conversation_id,
                Role.BOT,
                text,
                datetime.now(UTC),
                route=Route.OPERATOR,
                buttons=tuple(buttons),
            )
        )
        self._db.add_event(HandoffEventKind.MESSAGE, handoff, actor, message.id)
        return message

    async def waiting_since(self, before: datetime) -> list[Handoff]:
        return [
            h
            for h in self._db.handoffs.values()
            if h.status is HandoffStatus.QUEUED
            and h.callback_offered_at is None
            and h.created_at <= before
        ]

    async def queue_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for h in self._db.handoffs.values():
            if not h.status.open:
                continue
            counts[f"status:{h.status.value}"] += 1
            if h.status is HandoffStatus.QUEUED:
                counts[f"queued:{h.priority.value}"] += 1
        return dict(counts)
