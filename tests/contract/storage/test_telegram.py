"""What the Telegram channel keeps: the ``ChatLedger`` (chat → conversation, every update
before it is handled) and the operators' group ``TopicMap``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.telegram.ports import ChatLedger, TopicMap
from bot.dialogue.models import Channel
from bot.storage import Stores
from tests.contract.storage.backends import (
    MemoryStores,
    PostgresStores,
    SqliteStores,
    queued_handoff,
)


class TelegramStoresContract:
    @pytest.fixture
    def chats(self, stores: Stores) -> ChatLedger:
        return stores.chats

    @pytest.fixture
    def topics(self, stores: Stores) -> TopicMap:
        return stores.topics

    async def test_a_chat_is_in_one_conversation_at_a_time(
        self, stores: Stores, chats: ChatLedger
    ) -> None:
        first = await stores.conversations.create_conversation(Channel.TELEGRAM)
        second = await stores.conversations.create_conversation(Channel.TELEGRAM)
        assert await chats.conversation_of(42) is None
        await chats.link(42, first.id)
        assert await chats.conversation_of(42) == first.id
        assert await chats.chat_of(first.id) == 42
        await chats.link(42, second.id)
        assert await chats.conversation_of(42) == second.id
        assert await chats.chat_of(second.id) == 42
        assert await chats.chat_of("no-such-conversation") is None

    async def test_an_update_is_claimed_once_answered_and_finished(self, chats: ChatLedger) -> None:
        payload = {"update_id": 7, "message": {"text": "привет", "chat": {"id": 42}}}
        assert await chats.claim_update(7, payload)
        assert not await chats.claim_update(7, payload), "Telegram redelivered it"
        assert await chats.claim_update(8, {"update_id": 8})
        assert await chats.claim_update(9, {"update_id": 9})
        assert await chats.unfinished_updates() == [payload, {"update_id": 8}, {"update_id": 9}]
        assert await chats.stored_reply(7) is None
        pieces = [{"text": "Здравствуйте!", "reply_markup": None}]
        await chats.record_reply(7, pieces)
        assert await chats.stored_reply(7) == pieces
        await chats.finish_update(7)
        await chats.finish_update(9)
        assert await chats.unfinished_updates() == [{"update_id": 8}]
        assert await chats.stored_reply(7) is None, "a finished update keeps no reply"
        assert not await chats.claim_update(7, payload), "nor forgets it was handled"

    async def test_an_unfinished_update_is_taken_over_once_when_its_claim_is_stale(
        self, chats: ChatLedger
    ) -> None:
        assert await chats.claim_update(20, {"update_id": 20})
        assert await chats.claim_update(21, {"update_id": 21})
        await chats.finish_update(21)
        assert await chats.take_over_stale(datetime.now(UTC) - timedelta(minutes=3)) == []
        await asyncio.sleep(0.01)
        stale = datetime.now(UTC)  # everything claimed before now counts as abandoned
        taken = await asyncio.gather(chats.take_over_stale(stale), chats.take_over_stale(stale))
        assert sorted(len(t) for t in taken) == [0, 1], "two replicas never both take it"
        assert [t for t in taken if t] == [[{"update_id": 20}]]
        assert await chats.take_over_stale(stale) == [], "taken over: its claim is new again"

    async def test_a_topic_mirrors_the_newest_handoff(
        self, stores: Stores, topics: TopicMap
    ) -> None:
        first = await queued_handoff(stores, "первый")
        second = await queued_handoff(stores, "второй")
        assert await topics.topic_of(first.id) is None
        await topics.set_topic(first.id, 501)
        await topics.set_topic(second.id, 502)
        assert await topics.topic_of(first.id) == 501
        assert await topics.handoff_by_topic(502) == second
        assert await topics.handoff_by_topic(999) is None
        await topics.set_topic(second.id, 501)  # the same topic reused: the newest wins
        found = await topics.handoff_by_topic(501)
        assert found is not None and found.id == second.id


class TestMemory(MemoryStores, TelegramStoresContract):
    pass


class TestSqlite(SqliteStores, TelegramStoresContract):
    pass


class TestPostgres(PostgresStores, TelegramStoresContract):
    pass
