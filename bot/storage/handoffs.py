"""Handoffs in SQL: the lifecycle rows, their events (the operators' ordered feed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue.models import (
    Button,
    Handoff,
    HandoffEvent,
    HandoffEventKind,
    HandoffReason,
    HandoffRequest,
    HandoffStatus,
    Passage,
    Priority,
    Resolution,
    SummarySource,
)
from bot.storage.tables import HandoffEventRow, HandoffRow, MessageRow

# Events are read by id; on PostgreSQL ids are taken before commit, so two writers could
# commit out of id order and a reader would skip the slower one. Writers of events take this
# transaction-scoped lock first: events commit in id order.
_EVENT_LOCK = 0x5045524D  # "PERM"


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _maybe(moment: datetime | None) -> datetime | None:
    return aware(moment) if moment else None


def buttons_of(raw: Sequence[dict[str, str]] | None) -> tuple[Button, ...]:
    return tuple(Button(str(b["title"]), str(b["payload"])) for b in raw or ())


def button_dicts(buttons: Sequence[Button]) -> list[dict[str, str]] | None:
    return [{"title": b.title, "payload": b.payload} for b in buttons] or None


def passage_dicts(passages: Sequence[Passage]) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": p.doc_id,
            "title": p.title,
            "section": p.section,
            "text": p.text,
            "score": round(p.score, 4),
        }
        for p in passages
    ]


def _passages(raw: Sequence[dict[str, Any]]) -> tuple[Passage, ...]:
    return tuple(
        Passage(
            doc_id=str(p["doc_id"]),
            title=str(p["title"]),
            text=str(p.get("text") or ""),
            score=float(p.get("score") or 0.0),
            section=str(p["section"]) if p.get("section") else None,
        )
        for p in raw
    )


def handoff_of(row: HandoffRow) -> Handoff:
    return Handoff(
        id=str(row.id),
        conversation_id=row.conversation_id,
        reason=HandoffReason(row.reason),
        priority=Priority(row.priority),
        status=HandoffStatus(row.status),
        summary=row.summary,
        summary_source=SummarySource(row.summary_source),
        created_at=aware(row.created_at),
        trigger_message_id=str(row.trigger_message_id),
        passages=_passages(row.passages or []),
        operator=row.operator,
        assigned_at=_maybe(row.assigned_at),
        first_reply_at=_maybe(row.first_reply_at),
        resolved_at=_maybe(row.resolved_at),
        resolution=Resolution(row.resolution) if row.resolution else None,
        callback_offered_at=_maybe(row.callback_offered_at),
        ticket_id=row.ticket_id,
        csat=row.csat,
    )


def event_of(row: HandoffEventRow) -> HandoffEvent:
    return HandoffEvent(
        id=row.id,
        kind=HandoffEventKind(row.kind),
        handoff_id=str(row.handoff_id),
        conversation_id=row.conversation_id,
        message_id=str(row.message_id) if row.message_id is not None else None,
        at=aware(row.at),
        actor=row.actor,
    )


async def add_event(
    session: AsyncSession,
    kind: HandoffEventKind,
    handoff_id: int,
    conversation_id: str,
    actor: str,
    message_id: int | None = None,
) -> None:
    """Inside the transaction that made the change, so the feed never shows a change that
    was rolled back nor misses one that committed."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENT_LOCK})
    session.add(
        HandoffEventRow(
            at=datetime.now(UTC),
            kind=kind.value,
            handoff_id=handoff_id,
            conversation_id=conversation_id,
            message_id=message_id,
            actor=actor,
        )
    )


class SqlHandoffLog:
    """What the dialogue engine records about handoffs (``HandoffLog`` port)."""

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

    async def _change(
        self, handoff_id: str, actor: str, *conditions: Any, **values: Any
    ) -> Handoff | None:
        """Update one handoff if ``conditions`` hold (compare-and-set); None when they do not."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(HandoffRow)
                .where(HandoffRow.id == int(handoff_id), *conditions)
                .values(**values)
            )
            if not getattr(result, "rowcount", 0):
                return None
            row = await session.get(HandoffRow, int(handoff_id), populate_existing=True)
            assert row is not None
            await add_event(session, HandoffEventKind.UPDATED, row.id, row.conversation_id, actor)
            return handoff_of(row)

    async def reopen_handoff(self, handoff_id: str) -> Handoff | None:
        """Back to the operator who resolved it (or the queue when nobody had it)."""
        async with self._sessions() as session:
            row = await session.get(HandoffRow, int(handoff_id))
        if row is None:
            return None
        status = HandoffStatus.ACTIVE if row.operator else HandoffStatus.QUEUED
        return await self._change(
            handoff_id,
            "customer",
            HandoffRow.status == HandoffStatus.RESOLVED.value,
            status=status.value,
            resolution=None,
            resolved_at=None,
        )

    async def set_summary(self, handoff_id: str, summary: str, source: SummarySource) -> None:
        await self._change(handoff_id, "bot", summary=summary, summary_source=source.value)

    async def rate_handoff(self, handoff_id: str, score: int) -> bool:
        changed = await self._change(
            handoff_id,
            "customer",
            HandoffRow.status == HandoffStatus.RESOLVED.value,
            HandoffRow.csat.is_(None),
            csat=score,
        )
        return changed is not None

    async def offer_callback(self, handoff_id: str) -> Handoff | None:
        return await self._change(
            handoff_id,
            "system",
            HandoffRow.status == HandoffStatus.QUEUED.value,
            HandoffRow.callback_offered_at.is_(None),
            callback_offered_at=datetime.now(UTC),
        )

    async def close_with_callback(self, handoff_id: str, ticket_id: str) -> Handoff | None:
        return await self._change(
            handoff_id,
            "customer",
            HandoffRow.status == HandoffStatus.QUEUED.value,
            status=HandoffStatus.RESOLVED.value,
            resolution=Resolution.CALLBACK.value,
            resolved_at=datetime.now(UTC),
            ticket_id=ticket_id,
        )

    async def unanswered(self, since: datetime, reasons: Sequence[str]) -> list[tuple[str, str]]:
        """(question, reason) of handoffs since ``since`` for ``reasons``: the words the
        customer wrote just before the bot gave up."""
        query = (
            select(MessageRow.text, HandoffRow.reason)
            .join(MessageRow, MessageRow.id == HandoffRow.trigger_message_id)
            .where(HandoffRow.created_at >= since, HandoffRow.reason.in_(list(reasons)))
            .order_by(HandoffRow.id)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [(str(text), str(reason)) for text, reason in rows]
