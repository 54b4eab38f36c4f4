"""The operators' ``HandoffQueue`` in SQL: taking, assigning, resolving, replying."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

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
from bot.storage.handoffs import OPEN, OWNED, change_handoff, read_handoff
from bot.storage.mapping import add_event, button_dicts, handoff_of, row_id
from bot.storage.tables import HandoffRow, MessageRow


class SqlHandoffQueue:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def open_handoffs(self) -> list[Handoff]:
        query = select(HandoffRow).where(HandoffRow.status.in_(OPEN)).order_by(HandoffRow.id)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [handoff_of(row) for row in rows]

    async def handoff(self, handoff_id: str) -> Handoff | None:
        return await read_handoff(self._sessions, handoff_id)

    async def take(self, handoff_id: str, operator: str) -> Handoff | None:
        return await change_handoff(
            self._sessions,
            handoff_id,
            operator,
            HandoffRow.status == HandoffStatus.QUEUED.value,
            status=HandoffStatus.ASSIGNED.value,
            operator=operator,
            assigned_at=datetime.now(UTC),
        )

    async def assign(self, handoff_id: str, operator: str, by: str) -> Handoff | None:
        current = await self.handoff(handoff_id)
        if current is None or not current.status.open:
            return None
        status = HandoffStatus.ACTIVE if current.first_reply_at else HandoffStatus.ASSIGNED
        return await change_handoff(
            self._sessions,
            handoff_id,
            by,
            HandoffRow.status.in_(OPEN),
            status=status.value,
            operator=operator,
            assigned_at=datetime.now(UTC),
        )

    async def resolve(
        self, handoff_id: str, resolution: Resolution, by: str, *, owner: str | None
    ) -> Handoff | None:
        conditions: list[ColumnElement[bool]] = [HandoffRow.status.in_(OWNED)]
        if owner is not None:
            conditions.append(HandoffRow.operator == owner)
        return await change_handoff(
            self._sessions,
            handoff_id,
            by,
            *conditions,
            status=HandoffStatus.RESOLVED.value,
            resolution=resolution.value,
            resolved_at=datetime.now(UTC),
        )

    async def add_operator_message(
        self, handoff_id: str, operator: str, author: str, text: str
    ) -> tuple[Handoff, StoredMessage] | None:
        number = row_id(handoff_id)
        if number is None:
            return None
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            row = await session.get(HandoffRow, number, with_for_update=True)
            if row is None or row.status not in OWNED or row.operator != operator:
                return None
            message = MessageRow(
                conversation_id=row.conversation_id,
                role=Role.OPERATOR.value,
                text=text,
                route=None,
                sources=[],
                created_at=now,
                author=author,
            )
            session.add(message)
            if row.first_reply_at is None:
                row.first_reply_at = now
            row.status = HandoffStatus.ACTIVE.value
            await session.flush()
            await add_event(
                session,
                HandoffEventKind.MESSAGE,
                row.id,
                row.conversation_id,
                operator,
                message_id=message.id,
            )
            handoff = handoff_of(row)
        stored = StoredMessage(
            str(message.id), message.conversation_id, Role.OPERATOR, text, now, author=author
        )
        return handoff, stored

    async def add_bot_notice(
        self, handoff: Handoff, text: str, actor: str, buttons: Sequence[Button] = ()
    ) -> StoredMessage:
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            message = MessageRow(
                conversation_id=handoff.conversation_id,
                role=Role.BOT.value,
                text=text,
                route=Route.OPERATOR.value,
                sources=[],
                created_at=now,
                buttons=button_dicts(buttons),
            )
            session.add(message)
            await session.flush()
            await add_event(
                session,
                HandoffEventKind.MESSAGE,
                int(handoff.id),
                handoff.conversation_id,
                actor,
                message_id=message.id,
            )
        return StoredMessage(
            str(message.id),
            handoff.conversation_id,
            Role.BOT,
            text,
            now,
            route=Route.OPERATOR,
            buttons=tuple(buttons),
        )

    async def waiting_since(self, before: datetime) -> list[Handoff]:
        query = select(HandoffRow).where(
            HandoffRow.status == HandoffStatus.QUEUED.value,
            HandoffRow.callback_offered_at.is_(None),
            HandoffRow.created_at <= before,
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [handoff_of(row) for row in rows]

    async def queue_counts(self) -> dict[str, int]:
        query = (
            select(HandoffRow.status, HandoffRow.priority, func.count())
            .where(HandoffRow.status.in_(OPEN))
            .group_by(HandoffRow.status, HandoffRow.priority)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        counts: Counter[str] = Counter()
        for status, priority, number in rows:
            counts[f"status:{status}"] += number
            if status == HandoffStatus.QUEUED.value:
                counts[f"queued:{priority}"] += number
        return dict(counts)
