"""Rows ↔ the features' dataclasses, and the feed event every handoff change writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.models import (
    Button,
    Handoff,
    HandoffEvent,
    HandoffEventKind,
    HandoffReason,
    HandoffStatus,
    Passage,
    Priority,
    Resolution,
    Role,
    Route,
    SourceRef,
    StoredMessage,
    SummarySource,
)
from bot.storage.tables import HandoffEventRow, HandoffRow, MessageRow

# Events are read by id; on PostgreSQL ids are taken before commit, so two writers could
# commit out of id order and a reader would skip the slower one. Writers of events take this
# transaction-scoped lock first: events commit in id order.
_EVENT_LOCK = 0x5045524D  # "PERM"


_MAX_ID = 2**31 - 1  # the ids are INTEGER columns


def row_id(text: str) -> int | None:
    """The row id a path or an event names, or None when ``text`` cannot be one. Ids are
    ASCII digits in the column's range (``"²".isdigit()`` is true too)."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= _MAX_ID else None


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


def source_dicts(sources: Sequence[SourceRef]) -> list[dict[str, object]]:
    """Each source with the version of the document the answer drew on (provenance)."""
    return [
        {
            "doc_id": s.doc_id,
            "title": s.title,
            "section": s.section,
            "version": s.version,
            **({"url": s.url} if s.url else {}),
        }
        for s in sources
    ]


def _sources(raw: Sequence[dict[str, object]]) -> tuple[SourceRef, ...]:
    return tuple(
        SourceRef(
            str(s["doc_id"]),
            str(s["title"]),
            str(s["section"]) if s.get("section") else None,
            str(s["version"]) if s.get("version") else None,
            str(s["url"]) if s.get("url") else None,
        )
        for s in raw
    )


def message_of(row: MessageRow) -> StoredMessage:
    return StoredMessage(
        id=str(row.id),
        conversation_id=row.conversation_id,
        role=Role(row.role),
        text=row.text,
        created_at=row.created_at,
        route=Route(row.route) if row.route else None,
        sources=_sources(row.sources or []),
        author=row.author,
        buttons=buttons_of(row.buttons),
        feedback=None if row.feedback is None else row.feedback > 0,
        answered_by=row.answered_by,
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
        created_at=row.created_at,
        trigger_message_id=str(row.trigger_message_id),
        passages=_passages(row.passages or []),
        operator=row.operator,
        assigned_at=row.assigned_at,
        first_reply_at=row.first_reply_at,
        resolved_at=row.resolved_at,
        resolution=Resolution(row.resolution) if row.resolution else None,
        callback_offered_at=row.callback_offered_at,
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
        at=row.at,
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
