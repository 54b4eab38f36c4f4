"""The dialogue's ``ConversationStore`` in SQL: conversations, messages, audit, web tokens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.dialogue.models import (
    AuditEntry,
    AuthMethod,
    Channel,
    Conversation,
    Lang,
    Role,
    Route,
    SourceRef,
    StoredMessage,
)
from bot.dialogue.state import DialogueState
from bot.storage.handoffs import SqlHandoffLog
from bot.storage.mapping import message_of, row_id, source_dicts
from bot.storage.tables import (
    AuditRow,
    ConversationCustomerRow,
    ConversationRow,
    MessageRow,
    SealedMessageRow,
    UsedTokenRow,
)


def new_conversation_id() -> str:
    """Unguessable, though not a credential: the web chat's client proves a separate secret
    (``bot.channels.webchat.credentials``); staff and logs see ids."""
    return secrets.token_urlsafe(18)


class SqlConversationStore(SqlHandoffLog):
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def create_conversation(
        self, channel: Channel, lang: Lang | None = None, *, secret_digest: str | None = None
    ) -> Conversation:
        row = ConversationRow(
            id=new_conversation_id(),
            channel=channel.value,
            lang=lang,
            created_at=datetime.now(UTC),
            state=DialogueState().to_json(),
            secret_digest=secret_digest,
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return Conversation(row.id, channel, row.created_at, lang, secret_digest=secret_digest)

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        async with self._sessions() as session:
            row = await session.get(ConversationRow, conversation_id)
        if row is None:
            return None
        lang: Lang | None = row.lang if row.lang in ("ru", "en") else None  # type: ignore[assignment]
        return Conversation(
            row.id,
            Channel(row.channel),
            row.created_at,
            lang,
            customer_id=row.customer_id,
            authenticated_until=row.authenticated_until,
            state=DialogueState.from_json(row.state),
            authenticated_at=row.authenticated_at,
            secret_digest=row.secret_digest,
        )

    async def set_feedback(self, conversation_id: str, message_id: str, positive: bool) -> bool:
        number = row_id(message_id)
        if number is None:
            return False
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(MessageRow)
                .where(
                    MessageRow.id == number,
                    MessageRow.conversation_id == conversation_id,
                    MessageRow.role == Role.BOT.value,
                )
                .values(feedback=1 if positive else -1)
            )
        return bool(getattr(result, "rowcount", 0))

    async def set_customer(
        self,
        conversation_id: str,
        customer_id: str | None,
        until: datetime | None,
        method: AuthMethod | None,
    ) -> None:
        values = {
            "customer_id": customer_id,
            "authenticated_until": until,
            "auth_method": method.value if method else None,
            "authenticated_at": datetime.now(UTC) if customer_id else None,
        }
        async with self._sessions.begin() as session:
            await session.execute(
                update(ConversationRow).where(ConversationRow.id == conversation_id).values(values)
            )
            if customer_id is not None:
                known = await session.get(ConversationCustomerRow, (conversation_id, customer_id))
                if known is None:
                    session.add(
                        ConversationCustomerRow(
                            conversation_id=conversation_id,
                            customer_id=customer_id,
                            first_at=datetime.now(UTC),
                        )
                    )

    async def set_state(self, conversation_id: str, state: DialogueState) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(state=state.to_json())
            )

    async def add_audit(self, entry: AuditEntry) -> None:
        row = AuditRow(
            at=entry.at or datetime.now(UTC),
            conversation_id=entry.conversation_id,
            customer_id=entry.customer_id,
            action=entry.action,
            outcome=entry.outcome,
            latency_ms=round(entry.latency_ms, 1),
        )
        async with self._sessions.begin() as session:
            session.add(row)

    async def list_audit(
        self,
        *,
        conversation_id: str | None = None,
        customer_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if conversation_id:
            query = query.where(AuditRow.conversation_id == conversation_id)
        if customer_id:
            query = query.where(AuditRow.customer_id == customer_id)
        if since:
            query = query.where(AuditRow.at >= since)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [
            AuditEntry(r.conversation_id, r.customer_id, r.action, r.outcome, r.latency_ms, r.at)
            for r in reversed(rows)
        ]

    async def seal_message(self, message_id: str, sealed: str) -> None:
        number = row_id(message_id)
        if number is None:
            return
        async with self._sessions.begin() as session:
            row = await session.get(MessageRow, number)
            if row is not None:
                session.add(
                    SealedMessageRow(
                        message_id=number, conversation_id=row.conversation_id, sealed=sealed
                    )
                )

    async def sealed_texts(self, conversation_id: str) -> dict[str, str]:
        query = select(SealedMessageRow).where(SealedMessageRow.conversation_id == conversation_id)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return {str(row.message_id): row.sealed for row in rows}

    async def claim_token(self, token_id: str, expires_at: datetime) -> bool:
        now = datetime.now(UTC)
        try:
            async with self._sessions.begin() as session:
                await session.execute(delete(UsedTokenRow).where(UsedTokenRow.expires_at < now))
                session.add(UsedTokenRow(token_id=token_id, expires_at=expires_at))
        except IntegrityError:
            return False
        return True

    async def add_message(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        *,
        route: Route | None = None,
        sources: Sequence[SourceRef] = (),
        author: str | None = None,
        answered_by: str | None = None,
    ) -> StoredMessage:
        row = MessageRow(
            conversation_id=conversation_id,
            role=role.value,
            text=text,
            route=route.value if route else None,
            sources=source_dicts(sources),
            created_at=datetime.now(UTC),
            author=author,
            answered_by=answered_by,
        )
        async with self._sessions.begin() as session:
            session.add(row)
        return message_of(row)

    async def get_message(self, message_id: str) -> StoredMessage | None:
        number = row_id(message_id)
        if number is None:
            return None
        async with self._sessions() as session:
            row = await session.get(MessageRow, number)
        return message_of(row) if row is not None else None

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]:
        query = (
            select(MessageRow)
            .where(MessageRow.conversation_id == conversation_id)
            .order_by(MessageRow.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [message_of(row) for row in reversed(rows)]
