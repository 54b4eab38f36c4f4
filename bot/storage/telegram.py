"""What the Telegram channel keeps in SQL: chat → conversation and the ledger of updates
(``ChatLedger``), and the operators' group topics (``TopicMap``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.dialogue.models import Handoff
from bot.storage.mapping import handoff_of, row_id
from bot.storage.tables import HandoffRow, TelegramChatRow, TelegramUpdateRow


class SqlChatLedger:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def conversation_of(self, chat_id: int) -> str | None:
        async with self._sessions() as session:
            row = await session.get(TelegramChatRow, chat_id)
        return row.conversation_id if row else None

    async def chat_of(self, conversation_id: str) -> int | None:
        query = (
            select(TelegramChatRow.chat_id)
            .where(TelegramChatRow.conversation_id == conversation_id)
            .order_by(TelegramChatRow.created_at.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            return await session.scalar(query)

    async def link(self, chat_id: int, conversation_id: str) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(TelegramChatRow, chat_id)
            if row is None:
                session.add(
                    TelegramChatRow(
                        chat_id=chat_id, conversation_id=conversation_id, created_at=_now()
                    )
                )
            else:
                row.conversation_id = conversation_id

    async def claim_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        try:
            async with self._sessions.begin() as session:
                session.add(
                    TelegramUpdateRow(
                        update_id=update_id,
                        status="received",
                        payload=payload,
                        received_at=_now(),
                    )
                )
        except IntegrityError:
            return False
        return True

    async def finish_update(self, update_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(TelegramUpdateRow)
                .where(TelegramUpdateRow.update_id == update_id)
                # The update's text, contact and the reply were needed only to resume it:
                # a finished update keeps its id (duplicates are still refused) and no
                # personal data.
                .values(status="done", done_at=_now(), payload={}, reply=None)
            )

    async def record_reply(self, update_id: int, pieces: list[dict[str, Any]]) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(TelegramUpdateRow)
                .where(TelegramUpdateRow.update_id == update_id)
                .values(status="answered", reply=pieces)
            )

    async def stored_reply(self, update_id: int) -> list[dict[str, Any]] | None:
        async with self._sessions() as session:
            row = await session.get(TelegramUpdateRow, update_id)
        return list(row.reply) if row is not None and row.reply is not None else None

    async def unfinished_updates(self) -> list[dict[str, Any]]:
        query = (
            select(TelegramUpdateRow)
            .where(TelegramUpdateRow.status.in_(("received", "answered")))
            .order_by(TelegramUpdateRow.update_id)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [dict(row.payload) for row in rows]

    async def take_over_stale(self, claimed_before: datetime) -> list[dict[str, Any]]:
        # The claim time is ``received_at``: taking one over moves it to now, in one UPDATE
        # per row, so of two replicas sweeping at once only one gets each update.
        query = (
            select(TelegramUpdateRow.update_id)
            .where(
                TelegramUpdateRow.status.in_(("received", "answered")),
                TelegramUpdateRow.received_at < claimed_before,
            )
            .order_by(TelegramUpdateRow.update_id)
        )
        taken: list[dict[str, Any]] = []
        async with self._sessions() as session:
            candidates = (await session.scalars(query)).all()
        for update_id in candidates:
            async with self._sessions.begin() as session:
                claimed = await session.execute(
                    update(TelegramUpdateRow)
                    .where(
                        TelegramUpdateRow.update_id == update_id,
                        TelegramUpdateRow.status.in_(("received", "answered")),
                        TelegramUpdateRow.received_at < claimed_before,
                    )
                    .values(received_at=_now())
                    .returning(TelegramUpdateRow.payload)
                )
                row = claimed.first()
            if row is not None:
                taken.append(dict(row[0]))
        return taken


class SqlTopicMap:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def set_topic(self, handoff_id: str, topic_id: int) -> None:
        number = row_id(handoff_id)
        if number is None:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(HandoffRow).where(HandoffRow.id == number).values(telegram_topic_id=topic_id)
            )

    async def topic_of(self, handoff_id: str) -> int | None:
        number = row_id(handoff_id)
        if number is None:
            return None
        async with self._sessions() as session:
            row = await session.get(HandoffRow, number)
        return row.telegram_topic_id if row is not None else None

    async def handoff_by_topic(self, topic_id: int) -> Handoff | None:
        query = (
            select(HandoffRow)
            .where(HandoffRow.telegram_topic_id == topic_id)
            .order_by(HandoffRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(query)
        return handoff_of(row) if row is not None else None


def _now() -> datetime:
    return datetime.now(UTC)
