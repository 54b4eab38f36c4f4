"""Reports over the conversations: the operators' day (``Reports``) and the content team's
unanswered questions (``UnansweredQuestions``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.content.ports import UnansweredQuestions
from bot.dialogue.models import Channel, HandoffReason, Resolution, Role, Route
from bot.operators.ports import Reports
from bot.storage import Stores
from tests.contract.storage.backends import (
    MemoryStores,
    PostgresStores,
    SqliteStores,
    queued_handoff,
)


class ReportsContract:
    @pytest.fixture
    def reports(self, stores: Stores) -> Reports:
        return stores.reports

    @pytest.fixture
    def unanswered(self, stores: Stores) -> UnansweredQuestions:
        return stores.unanswered

    async def test_a_day_without_conversations(self, reports: Reports) -> None:
        report = await reports.day_report(datetime(2020, 1, 1, tzinfo=UTC))
        assert report.day == "2020-01-01"
        assert (report.conversations, report.handed_off, report.containment) == (0, 0, None)
        assert report.median_wait_s is None and report.csat_average is None

    async def test_todays_handoffs_waits_resolutions_csat_and_containment(
        self, stores: Stores, reports: Reports
    ) -> None:
        conversations = stores.conversations
        for n in range(3):  # answered by the bot alone
            contained = await conversations.create_conversation(Channel.WEBCHAT)
            await conversations.add_message(contained.id, Role.CUSTOMER, f"вопрос {n}")
        rated = await queued_handoff(stores, "хочу оператора")
        assert await stores.queue.take(rated.id, "anna")
        assert await stores.queue.add_operator_message(rated.id, "anna", "Анна", "Здравствуйте")
        assert await stores.queue.resolve(rated.id, Resolution.RESOLVED, "anna", owner="anna")
        assert await conversations.rate_handoff(rated.id, 4)
        called = await queued_handoff(stores, "мошенники", HandoffReason.FRAUD)
        assert await conversations.close_with_callback(called.id, "T-1")

        report = await reports.day_report(datetime.now(UTC))
        assert report.day == datetime.now(UTC).date().isoformat()
        assert report.conversations == 5 and report.handed_off == 2
        assert report.containment == pytest.approx(3 / 5)
        assert report.handoffs_by_reason == {"customer_request": 1, "fraud": 1}
        assert report.resolutions == {"resolved": 1, "callback": 1}
        assert report.median_wait_s is not None and report.median_wait_s >= 0
        assert report.median_first_reply_s is not None
        assert (report.csat_count, report.csat_average, report.callbacks) == (1, 4.0, 1)
        yesterday = await reports.day_report(datetime.now(UTC) - timedelta(days=1))
        assert yesterday.conversations == 0, "another day counts nothing of today's"

    async def test_the_bots_replies_of_the_day_by_route_source_and_rating(
        self, stores: Stores, reports: Reports
    ) -> None:
        conversations = stores.conversations
        chat = await conversations.create_conversation(Channel.WEBCHAT)
        said = []
        for answered_by in ("faq", "faq", "cache", "written", "quoted"):
            said.append(
                await conversations.add_message(
                    chat.id, Role.BOT, "ответ", route=Route.ANSWER, answered_by=answered_by
                )
            )
        await conversations.add_message(chat.id, Role.BOT, "привет", route=Route.SMALLTALK)
        await conversations.add_message(chat.id, Role.CUSTOMER, "спасибо")
        assert await conversations.set_feedback(chat.id, said[0].id, True)
        assert await conversations.set_feedback(chat.id, said[1].id, True)
        assert await conversations.set_feedback(chat.id, said[3].id, False)

        activity = await reports.day_activity(datetime.now(UTC))
        assert activity.replies_by_route == {"answer": 5, "smalltalk": 1}
        assert activity.answers_by_source == {"faq": 2, "cache": 1, "written": 1, "quoted": 1}
        assert (activity.helpful, activity.unhelpful) == (2, 1)
        yesterday = await reports.day_activity(datetime.now(UTC) - timedelta(days=1))
        assert yesterday.replies_by_route == {} and yesterday.helpful == 0
        stored = await conversations.get_message(said[0].id)
        assert stored is not None and stored.answered_by == "faq" and stored.feedback is True

    async def test_unanswered_are_the_words_before_the_chosen_reasons(
        self, stores: Stores, unanswered: UnansweredQuestions
    ) -> None:
        await queued_handoff(stores, "сколько стоит ячейка", HandoffReason.LOW_CONFIDENCE)
        await queued_handoff(stores, "а металлические счета?", HandoffReason.MODEL_ABSTAINED)
        await queued_handoff(stores, "позовите человека", HandoffReason.CUSTOMER_REQUEST)
        since = datetime.now(UTC) - timedelta(hours=1)
        found = await unanswered.unanswered(since, ["low_confidence", "model_abstained"])
        assert found == [
            ("сколько стоит ячейка", "low_confidence"),
            ("а металлические счета?", "model_abstained"),
        ]
        later = datetime.now(UTC) + timedelta(hours=1)
        assert await unanswered.unanswered(later, ["low_confidence"]) == []


class TestMemory(MemoryStores, ReportsContract):
    pass


class TestSqlite(SqliteStores, ReportsContract):
    pass


class TestPostgres(PostgresStores, ReportsContract):
    pass
