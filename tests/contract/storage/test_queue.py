"""The operators' ``HandoffQueue``: one contract, three homes. Every change is a
compare-and-set: two people acting at once cannot both win."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.dialogue.models import (
    Button,
    HandoffReason,
    HandoffStatus,
    Priority,
    Resolution,
    Role,
    Route,
)
from bot.operators.ports import HandoffQueue
from bot.storage import Stores
from tests.contract.storage.backends import (
    MemoryStores,
    PostgresStores,
    SqliteStores,
    queued_handoff,
)


class HandoffQueueContract:
    @pytest.fixture
    def queue(self, stores: Stores) -> HandoffQueue:
        return stores.queue

    async def test_open_handoffs_are_listed_oldest_first_until_resolved(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        first = await queued_handoff(stores, "первый")
        second = await queued_handoff(stores, "второй", priority=Priority.HIGH)
        assert [h.id for h in await queue.open_handoffs()] == [first.id, second.id]
        assert await queue.take(first.id, "anna")
        assert await queue.resolve(first.id, Resolution.RESOLVED, "anna", owner="anna")
        assert [h.id for h in await queue.open_handoffs()] == [second.id]
        assert await queue.handoff(second.id) == second
        assert await queue.handoff("999999") is None
        assert await queue.handoff("not-an-id") is None
        assert await queue.handoff("²") is None, "a digit to str.isdigit, not an id"
        assert await queue.handoff("9" * 20) is None, "beyond the id column's range"
        assert await queue.take("²", "anna") is None

    async def test_one_operator_wins_a_take(self, stores: Stores, queue: HandoffQueue) -> None:
        handoff = await queued_handoff(stores)
        results = await asyncio.gather(
            queue.take(handoff.id, "anna"), queue.take(handoff.id, "boris")
        )
        winners = [r for r in results if r is not None]
        assert len(winners) == 1, "exactly one take succeeds"
        taken = winners[0]
        assert taken.status is HandoffStatus.ASSIGNED and taken.operator in ("anna", "boris")
        assert taken.assigned_at is not None and taken.assigned_at >= handoff.created_at

    async def test_only_the_owner_replies_and_the_first_reply_activates(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        handoff = await queued_handoff(stores)
        assert await queue.add_operator_message(handoff.id, "anna", "Анна", "Здравствуйте") is None
        assert await queue.take(handoff.id, "anna")
        assert await queue.add_operator_message(handoff.id, "boris", "Борис", "Я тут") is None
        stored = await queue.add_operator_message(handoff.id, "anna", "Анна", "Здравствуйте")
        assert stored is not None
        updated, message = stored
        assert updated.status is HandoffStatus.ACTIVE and updated.first_reply_at is not None
        assert message.role is Role.OPERATOR and message.author == "Анна"
        transcript = await stores.conversations.list_messages(handoff.conversation_id)
        assert transcript[-1] == message
        again = await queue.add_operator_message(handoff.id, "anna", "Анна", "Ещё минуту")
        assert again is not None and again[0].first_reply_at == updated.first_reply_at

    async def test_a_notice_with_buttons_reaches_the_transcript(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        handoff = await queued_handoff(stores)
        buttons = (Button("1", "/csat_1"), Button("5", "/csat_5"))
        notice = await queue.add_bot_notice(handoff, "Оцените, пожалуйста", "system", buttons)
        assert notice.role is Role.BOT and notice.route is Route.OPERATOR
        assert notice.buttons == buttons
        stored = await stores.conversations.get_message(notice.id)
        assert stored is not None and stored.buttons == buttons and stored.text == notice.text

    async def test_resolve_checks_the_owner_unless_a_supervisor_closes(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        handoff = await queued_handoff(stores)
        queued = await queue.resolve(handoff.id, Resolution.RESOLVED, "anna", owner=None)
        assert queued is None, "a queued handoff is not closed: nobody owns it"
        assert await queue.take(handoff.id, "anna")
        assert await queue.resolve(handoff.id, Resolution.RESOLVED, "boris", owner="boris") is None
        closed = await queue.resolve(handoff.id, Resolution.HANDED_BACK, "olga", owner=None)
        assert closed is not None and closed.status is HandoffStatus.RESOLVED
        assert closed.resolution is Resolution.HANDED_BACK and closed.resolved_at is not None
        assert await queue.resolve(handoff.id, Resolution.RESOLVED, "olga", owner=None) is None

    async def test_a_supervisor_assigns_an_open_handoff(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        handoff = await queued_handoff(stores)
        assigned = await queue.assign(handoff.id, "boris", "olga")
        assert assigned is not None and assigned.operator == "boris"
        assert assigned.status is HandoffStatus.ASSIGNED
        assert await queue.add_operator_message(handoff.id, "boris", "Борис", "Добрый день")
        moved = await queue.assign(handoff.id, "anna", "olga")
        assert moved is not None and moved.status is HandoffStatus.ACTIVE, "stays active"
        assert await queue.resolve(handoff.id, Resolution.RESOLVED, "anna", owner="anna")
        assert await queue.assign(handoff.id, "boris", "olga") is None, "closed"

    async def test_waiting_since_lists_the_queued_not_yet_offered(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        waiting = await queued_handoff(stores, "жду")
        offered = await queued_handoff(stores, "жду тоже")
        taken = await queued_handoff(stores, "взят")
        assert await stores.conversations.offer_callback(offered.id)
        assert await queue.take(taken.id, "anna")
        later = datetime.now(UTC) + timedelta(seconds=1)
        assert [h.id for h in await queue.waiting_since(later)] == [waiting.id]
        assert await queue.waiting_since(waiting.created_at - timedelta(seconds=1)) == []

    async def test_queue_counts_by_status_and_queued_priority(
        self, stores: Stores, queue: HandoffQueue
    ) -> None:
        await queued_handoff(stores, "a")
        await queued_handoff(stores, "b", HandoffReason.FRAUD, priority=Priority.HIGH)
        owned = await queued_handoff(stores, "c")
        assert await queue.take(owned.id, "anna")
        counts = await queue.queue_counts()
        assert counts == {
            "status:queued": 2,
            "status:assigned": 1,
            "queued:normal": 1,
            "queued:high": 1,
        }


class TestMemory(MemoryStores, HandoffQueueContract):
    pass


class TestSqlite(SqliteStores, HandoffQueueContract):
    pass


class TestPostgres(PostgresStores, HandoffQueueContract):
    pass
