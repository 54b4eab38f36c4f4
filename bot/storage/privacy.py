"""``bot.privacy.ports.PersonalRecords`` in SQL. Deletes are explicit, table by table, in one
transaction: SQLite does not enforce the schema's cascades."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.privacy.ports import Purged, Retention
from bot.storage.tables import (
    AuditRow,
    ConversationCustomerRow,
    ConversationRow,
    GatewayCallRow,
    HandoffEventRow,
    HandoffNoteRow,
    HandoffRow,
    MessageRow,
    SealedMessageRow,
    TelegramChatRow,
    TelegramUpdateRow,
    UsedTokenRow,
)

_OPEN = ("queued", "assigned", "active")
_BATCH = 500


class SqlPersonalRecords:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def customer_conversations(self, customer_id: str) -> list[str]:
        query = (
            select(ConversationCustomerRow.conversation_id)
            .where(ConversationCustomerRow.customer_id == customer_id)
            .order_by(ConversationCustomerRow.first_at)
        )
        async with self._sessions() as session:
            return list((await session.scalars(query)).all())

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> int:
        deleted = 0
        for start in range(0, len(conversation_ids), _BATCH):
            batch = list(conversation_ids[start : start + _BATCH])
            async with self._sessions.begin() as session:
                deleted += await _delete(session, batch)
        return deleted

    async def purge(self, retention: Retention) -> Purged:
        recent = exists().where(
            MessageRow.conversation_id == ConversationRow.id,
            MessageRow.created_at >= retention.conversations_before,
        )
        waiting = exists().where(
            HandoffRow.conversation_id == ConversationRow.id, HandoffRow.status.in_(_OPEN)
        )
        old = (
            select(ConversationRow.id)
            .where(ConversationRow.created_at < retention.conversations_before, ~recent, ~waiting)
            .limit(_BATCH)
        )
        conversations = 0
        while True:
            async with self._sessions.begin() as session:
                batch = list((await session.scalars(old)).all())
                conversations += await _delete(session, batch)
            if len(batch) < _BATCH:
                break
        async with self._sessions.begin() as session:
            audit = await session.execute(
                delete(AuditRow).where(AuditRow.at < retention.audit_before)
            )
            calls = await session.execute(
                delete(GatewayCallRow).where(GatewayCallRow.at < retention.audit_before)
            )
            updates = await session.execute(
                delete(TelegramUpdateRow).where(
                    TelegramUpdateRow.status == "done",
                    or_(
                        TelegramUpdateRow.done_at < retention.telegram_updates_before,
                        TelegramUpdateRow.done_at.is_(None),
                    ),
                    TelegramUpdateRow.received_at < retention.telegram_updates_before,
                )
            )
            tokens = await session.execute(
                delete(UsedTokenRow).where(UsedTokenRow.expires_at < datetime.now(UTC))
            )
        return Purged(
            conversations=conversations,
            audit_entries=_count(audit) + _count(calls),
            telegram_updates=_count(updates),
            web_tokens=_count(tokens),
        )


async def _delete(session: AsyncSession, conversation_ids: list[str]) -> int:
    if not conversation_ids:
        return 0
    handoffs = select(HandoffRow.id).where(HandoffRow.conversation_id.in_(conversation_ids))
    await session.execute(delete(HandoffEventRow).where(HandoffEventRow.handoff_id.in_(handoffs)))
    await session.execute(delete(HandoffNoteRow).where(HandoffNoteRow.handoff_id.in_(handoffs)))
    await session.execute(
        delete(HandoffRow).where(HandoffRow.conversation_id.in_(conversation_ids))
    )
    await session.execute(
        delete(SealedMessageRow).where(SealedMessageRow.conversation_id.in_(conversation_ids))
    )
    await session.execute(
        delete(MessageRow).where(MessageRow.conversation_id.in_(conversation_ids))
    )
    await session.execute(
        delete(TelegramChatRow).where(TelegramChatRow.conversation_id.in_(conversation_ids))
    )
    await session.execute(
        delete(ConversationCustomerRow).where(
            ConversationCustomerRow.conversation_id.in_(conversation_ids)
        )
    )
    result = await session.execute(
        delete(ConversationRow).where(ConversationRow.id.in_(conversation_ids))
    )
    return _count(result)


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
