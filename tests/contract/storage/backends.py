"""The three homes of every storage port, as mixins: a contract class inherits its tests, a
backend class provides ``stores`` (one of each port over one database), and
``class TestSqlite(SqliteStores, QueueContract)`` runs the one against the other."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import MetaData, text

from bot.dialogue.models import Channel, Handoff, HandoffReason, HandoffRequest, Priority, Role
from bot.storage import Stores, create_engine, memory_stores, sql_stores


class MemoryStores:
    @pytest.fixture
    def stores(self) -> Stores:
        return memory_stores()


class SqliteStores:
    @pytest.fixture
    async def stores(self, sqlite_url: str) -> AsyncIterator[Stores]:
        engine = create_engine(sqlite_url)
        yield sql_stores(engine)
        await engine.dispose()


@pytest.mark.postgres
class PostgresStores:
    @pytest.fixture
    async def stores(self, postgres_migrated: str) -> AsyncIterator[Stores]:
        engine = create_engine(postgres_migrated)
        async with engine.begin() as connection:
            tables = await connection.run_sync(_tables)
            await connection.execute(
                text(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE")
            )
        yield sql_stores(engine)
        await engine.dispose()


def _tables(sync: object) -> list[str]:
    found = MetaData()
    found.reflect(bind=sync)  # type: ignore[arg-type]
    return [f'"{name}"' for name in found.tables if name != "alembic_version"]


async def queued_handoff(
    stores: Stores,
    text: str = "позовите оператора",
    reason: HandoffReason = HandoffReason.CUSTOMER_REQUEST,
    *,
    channel: Channel = Channel.WEBCHAT,
    priority: Priority = Priority.NORMAL,
) -> Handoff:
    """A new conversation whose customer's ``text`` the bot handed over."""
    conversations = stores.conversations
    conversation = await conversations.create_conversation(channel)
    trigger = await conversations.add_message(conversation.id, Role.CUSTOMER, text)
    return await conversations.add_handoff(
        HandoffRequest(conversation.id, reason, f"- {text}", trigger.id, priority=priority)
    )
