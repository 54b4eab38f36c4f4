"""The operators' ``EventLog``: every handoff change and message, in order, each once."""

from __future__ import annotations

import pytest

from bot.dialogue.models import HandoffEventKind, Resolution, Role
from bot.operators.ports import EventLog
from bot.storage import Stores
from tests.contract.storage.backends import (
    MemoryStores,
    PostgresStores,
    SqliteStores,
    queued_handoff,
)


class EventLogContract:
    @pytest.fixture
    def events(self, stores: Stores) -> EventLog:
        return stores.events

    async def test_an_empty_feed(self, events: EventLog) -> None:
        assert await events.last_event_id() == 0
        assert await events.events_after(0) == []

    async def test_each_change_is_one_event_in_order_with_its_actor(
        self, stores: Stores, events: EventLog
    ) -> None:
        handoff = await queued_handoff(stores)
        message = await stores.conversations.add_message(
            handoff.conversation_id, Role.CUSTOMER, "жду"
        )
        await stores.conversations.note_message(handoff, message.id, "customer")
        assert await stores.queue.take(handoff.id, "anna")
        reply = await stores.queue.add_operator_message(handoff.id, "anna", "Анна", "Здравствуйте")
        assert reply is not None
        assert await stores.queue.resolve(handoff.id, Resolution.RESOLVED, "anna", owner="anna")

        feed = await events.events_after(0)
        assert [(e.kind, e.actor) for e in feed] == [
            (HandoffEventKind.OPENED, "bot"),
            (HandoffEventKind.MESSAGE, "customer"),
            (HandoffEventKind.UPDATED, "anna"),
            (HandoffEventKind.MESSAGE, "anna"),
            (HandoffEventKind.UPDATED, "anna"),
        ]
        assert [e.id for e in feed] == sorted({e.id for e in feed}), "increasing, no repeats"
        assert all(e.handoff_id == handoff.id for e in feed)
        assert all(e.conversation_id == handoff.conversation_id for e in feed)
        assert feed[1].message_id == message.id and feed[3].message_id == reply[1].id
        assert await events.last_event_id() == feed[-1].id

    async def test_a_reader_resumes_after_the_last_id_it_saw(
        self, stores: Stores, events: EventLog
    ) -> None:
        for n in range(5):
            await queued_handoff(stores, f"вопрос {n}")
        everything = await events.events_after(0)
        assert len(everything) == 5
        assert await events.events_after(everything[2].id) == everything[3:]
        assert await events.events_after(0, limit=2) == everything[:2]
        assert await events.events_after(everything[-1].id) == []


class TestMemory(MemoryStores, EventLogContract):
    pass


class TestSqlite(SqliteStores, EventLogContract):
    pass


class TestPostgres(PostgresStores, EventLogContract):
    pass
