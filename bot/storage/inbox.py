"""The operators' inbox in SQL: canned responses, private notes on handoffs, and the search of
past conversations (``bot.operators.ports``: ``CannedResponses``, ``HandoffNotes``,
``ConversationSearch``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.dialogue.models import Role
from bot.operators.models import (
    CannedResponse,
    ConversationQuery,
    FoundConversation,
    Note,
)
from bot.storage.mapping import row_id
from bot.storage.tables import (
    CannedResponseRow,
    ConversationRow,
    HandoffNoteRow,
    HandoffRow,
    MessageRow,
)

SNIPPET_CHARS = 160


class SqlInbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    # --- canned responses ----------------------------------------------------------------

    async def list_canned(self) -> list[CannedResponse]:
        query = select(CannedResponseRow).order_by(
            CannedResponseRow.shortcut, CannedResponseRow.lang
        )
        async with self._sessions() as session:
            return [_canned(row) for row in (await session.scalars(query)).all()]

    async def save_canned(
        self, canned_id: str | None, shortcut: str, lang: str, title: str, text: str, by: str
    ) -> CannedResponse | None:
        values = {
            "shortcut": shortcut,
            "lang": lang,
            "title": title,
            "text": text,
            "updated_by": by,
            "updated_at": datetime.now(UTC),
        }
        try:
            async with self._sessions.begin() as session:
                if canned_id is None:
                    row = CannedResponseRow(**values)
                    session.add(row)
                else:
                    number = row_id(canned_id)
                    found = await session.get(CannedResponseRow, number) if number else None
                    if found is None:
                        return None
                    for key, value in values.items():
                        setattr(found, key, value)
                    row = found
                await session.flush()
                return _canned(row)
        except IntegrityError:  # the shortcut is another's in this language
            return None

    async def delete_canned(self, canned_id: str) -> bool:
        number = row_id(canned_id)
        if number is None:
            return False
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(CannedResponseRow).where(CannedResponseRow.id == number)
            )
        return bool(getattr(result, "rowcount", 0))

    # --- notes ---------------------------------------------------------------------------

    async def add_note(self, handoff_id: str, author: str, author_name: str, text: str) -> Note:
        number = row_id(handoff_id)
        assert number is not None, "a note is on an existing handoff"
        row = HandoffNoteRow(
            handoff_id=number,
            author=author,
            author_name=author_name,
            text=text,
            created_at=datetime.now(UTC),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return _note(row)

    async def notes(self, handoff_id: str) -> list[Note]:
        number = row_id(handoff_id)
        if number is None:
            return []
        query = (
            select(HandoffNoteRow)
            .where(HandoffNoteRow.handoff_id == number)
            .order_by(HandoffNoteRow.id)
        )
        async with self._sessions() as session:
            return [_note(row) for row in (await session.scalars(query)).all()]

    # --- search --------------------------------------------------------------------------

    async def search(self, query: ConversationQuery) -> list[FoundConversation]:
        other = aliased(HandoffRow)  # the inner queries' handoffs, not the joined latest one
        latest = (
            select(func.max(other.id))
            .where(other.conversation_id == ConversationRow.id)
            .correlate(ConversationRow)
            .scalar_subquery()
        )
        statement = select(ConversationRow, HandoffRow).outerjoin(
            HandoffRow,
            and_(HandoffRow.conversation_id == ConversationRow.id, HandoffRow.id == latest),
        )
        if query.handed_off_only:
            statement = statement.where(HandoffRow.id.is_not(None))
        if query.conversation_id:
            statement = statement.where(ConversationRow.id == query.conversation_id)
        if query.since is not None:
            statement = statement.where(ConversationRow.created_at >= query.since)
        if query.until is not None:
            statement = statement.where(ConversationRow.created_at < query.until)
        if query.reason:
            statement = statement.where(
                exists()
                .where(other.conversation_id == ConversationRow.id, other.reason == query.reason)
                .correlate(ConversationRow)
            )
        pattern = _like(query.text) if query.text else None
        if pattern is not None:
            statement = statement.where(
                exists()
                .where(
                    MessageRow.conversation_id == ConversationRow.id,
                    func.lower(MessageRow.text).like(pattern, escape="\\"),
                )
                .correlate(ConversationRow)
            )
        statement = statement.order_by(ConversationRow.created_at.desc()).limit(query.limit)
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
            found = []
            for row in rows:
                conversation, handoff = row[0], row[1]
                snippet = await self._snippet(session, conversation.id, pattern)
                found.append(_found(conversation, handoff, snippet, query.text))
        return found

    @staticmethod
    async def _snippet(session: AsyncSession, conversation_id: str, pattern: str | None) -> str:
        matching = MessageRow.conversation_id == conversation_id
        condition = (
            func.lower(MessageRow.text).like(pattern, escape="\\")
            if pattern is not None
            else MessageRow.role == Role.CUSTOMER.value
        )
        first = select(MessageRow.text).where(matching, condition).order_by(MessageRow.id).limit(1)
        return str(await session.scalar(first) or "")


def _like(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its own % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet_of(text: str, needle: str | None) -> str:
    """At most ``SNIPPET_CHARS`` of ``text``, around ``needle`` when it is in it."""
    if len(text) <= SNIPPET_CHARS:
        return text
    at = text.lower().find(needle.lower()) if needle else -1
    start = max(0, at - SNIPPET_CHARS // 3) if at >= 0 else 0
    piece = text[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(text) else "")


def _found(
    conversation: ConversationRow, handoff: HandoffRow | None, snippet: str, needle: str | None
) -> FoundConversation:
    return FoundConversation(
        conversation_id=conversation.id,
        channel=conversation.channel,
        started_at=conversation.created_at,
        handoff_id=str(handoff.id) if handoff is not None else None,
        reason=handoff.reason if handoff is not None else None,
        status=handoff.status if handoff is not None else None,
        operator=handoff.operator if handoff is not None else None,
        snippet=snippet_of(snippet, needle),
    )


def _canned(row: CannedResponseRow) -> CannedResponse:
    return CannedResponse(
        str(row.id), row.shortcut, row.lang, row.title, row.text, row.updated_by, row.updated_at
    )


def _note(row: HandoffNoteRow) -> Note:
    return Note(
        str(row.id), str(row.handoff_id), row.author, row.author_name, row.text, row.created_at
    )
