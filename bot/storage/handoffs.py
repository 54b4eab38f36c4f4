"""Handoffs as the dialogue records them (the ``HandoffLog`` half of ``ConversationStore``),
and the compare-and-set every handoff change goes through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue.models import (
    Handoff,
    HandoffEventKind,
    HandoffRequest,
    HandoffStatus,
    Resolution,
    SummarySource,
)
from bot.storage.mapping import add_event, handoff_of, passage_dicts, row_id
from bot.storage.tables import HandoffRow

OPEN = (HandoffStatus.QUEUED.value, HandoffStatus.ASSIGNED.value, HandoffStatus.ACTIVE.value)
OWNED = (HandoffStatus.ASSIGNED.value, HandoffStatus.ACTIVE.value)


async def read_handoff(
    sessions: async_sessionmaker[AsyncSession], handoff_id: str
) -> Handoff | None:
    number = row_id(handoff_id)
    if number is None:
        return None
    async with sessions() as session:
        row = await session.get(HandoffRow, number)
    return handoff_of(row) if row is not None else None


async def change_handoff(
    sessions: async_sessionmaker[AsyncSession],
    handoff_id: str,
    actor: str,
    *conditions: Any,
    **values: Any,
) -> Handoff | None:
    """Update one handoff if ``conditions`` hold (compare-and-set) and write its feed event;
    None when they do not."""
    number = row_id(handoff_id)
    if number is None:
        return None
    async with sessions.begin() as session:
        result = await session.execute(
            update(HandoffRow).where(HandoffRow.id == number, *conditions).values(**values)
        )
        if not getattr(result, "rowcount", 0):
            return None
        row = await session.get(HandoffRow, number, populate_existing=True)
        assert row is not None
        await add_event(session, HandoffEventKind.UPDATED, row.id, row.conversation_id, actor)
        return handoff_of(row)


class SqlHandoffLog:
    """Implements ``HandoffLog``; ``SqlConversationStore`` inherits it."""

    _sessions: async_sessionmaker[AsyncSession]

    async def add_handoff(self, request: HandoffRequest) -> Handoff:
        now = datetime.now(UTC)
        row = HandoffRow(
            conversation_id=request.conversation_id,
            reason=request.reason.value,
            status=HandoffStatus.QUEUED.value,
            priority=request.priority.value,
            summary=request.summary,
            summary_source=SummarySource.EXTRACTIVE.value,
            trigger_message_id=int(request.trigger_message_id),
            passages=passage_dicts(request.passages),
            created_at=now,
            callback_offered_at=now if request.callback_offered else None,
        )
        async with self._sessions.begin() as session:
            session.add(row)
            await session.flush()
            await add_event(session, HandoffEventKind.OPENED, row.id, row.conversation_id, "bot")
        return handoff_of(row)

    async def current_handoff(self, conversation_id: str) -> Handoff | None:
        query = (
            select(HandoffRow)
            .where(HandoffRow.conversation_id == conversation_id)
            .order_by(HandoffRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(query)
        return handoff_of(row) if row is not None else None

    async def list_handoffs(self, conversation_id: str) -> list[Handoff]:
        query = (
            select(HandoffRow)
            .where(HandoffRow.conversation_id == conversation_id)
            .order_by(HandoffRow.id)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [handoff_of(row) for row in rows]

    async def note_message(self, handoff: Handoff, message_id: str, actor: str) -> None:
        async with self._sessions.begin() as session:
            await add_event(
                session,
                HandoffEventKind.MESSAGE,
                int(handoff.id),
                handoff.conversation_id,
                actor,
                message_id=int(message_id),
            )

    async def reopen_handoff(self, handoff_id: str) -> Handoff | None:
        """Back to the operator who resolved it (or the queue when nobody had it)."""
        current = await read_handoff(self._sessions, handoff_id)
        if current is None:
            return None
        status = HandoffStatus.ACTIVE if current.operator else HandoffStatus.QUEUED
        return await change_handoff(
            self._sessions,
            handoff_id,
            "customer",
            HandoffRow.status == HandoffStatus.RESOLVED.value,
            status=status.value,
            resolution=None,
            resolved_at=None,
        )

    async def set_summary(self, handoff_id: str, summary: str, source: SummarySource) -> None:
        await change_handoff(
            self._sessions, handoff_id, "bot", summary=summary, summary_source=source.value
        )

    async def rate_handoff(self, handoff_id: str, score: int) -> bool:
        changed = await change_handoff(
            self._sessions,
            handoff_id,
            "customer",
            HandoffRow.status == HandoffStatus.RESOLVED.value,
            HandoffRow.csat.is_(None),
            csat=score,
        )
        return changed is not None

    async def offer_callback(self, handoff_id: str) -> Handoff | None:
        return await change_handoff(
            self._sessions,
            handoff_id,
            "system",
            HandoffRow.status == HandoffStatus.QUEUED.value,
            HandoffRow.callback_offered_at.is_(None),
            callback_offered_at=datetime.now(UTC),
        )

    async def close_with_callback(self, handoff_id: str, ticket_id: str) -> Handoff | None:
        return await change_handoff(
            self._sessions,
            handoff_id,
            "customer",
            HandoffRow.status == HandoffStatus.QUEUED.value,
            status=HandoffStatus.RESOLVED.value,
            resolution=Resolution.CALLBACK.value,
            resolved_at=datetime.now(UTC),
            ticket_id=ticket_id,
        )
