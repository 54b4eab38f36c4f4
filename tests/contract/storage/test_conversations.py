"""The dialogue's ``ConversationStore`` (with its handoff log): one contract, three homes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.dialogue.models import (
    AuditEntry,
    AuthMethod,
    Channel,
    HandoffReason,
    HandoffRequest,
    HandoffStatus,
    Passage,
    Priority,
    Resolution,
    Role,
    Route,
    SourceRef,
    SummarySource,
)
from bot.dialogue.state import (
    AwaitingCode,
    ChooseCard,
    ConfirmBlock,
    DialogueState,
    PendingAction,
)
from bot.storage import ConversationRecords, Stores
from tests.contract.storage.backends import MemoryStores, PostgresStores, SqliteStores

STATES = [
    DialogueState(),
    DialogueState(AwaitingCode(None, failures=2, then="check_balance"), failed_turns=1),
    DialogueState(PendingAction("request_callback")),
    DialogueState(ConfirmBlock("card-1", AwaitingCode("challenge-2", 1, "next_payment"))),
    DialogueState(ChooseCard("block_card", PendingAction("check_balance"))),
]


class ConversationRecordsContract:
    @pytest.fixture
    def store(self, stores: Stores) -> ConversationRecords:
        return stores.conversations

    async def test_conversation_round_trip(self, store: ConversationRecords) -> None:
        created = await store.create_conversation(Channel.WEBCHAT, "ru")
        loaded = await store.get_conversation(created.id)
        assert loaded == created
        assert await store.get_conversation("missing") is None
        assert len(created.id) >= 20  # unguessable, though the secret is the key
        keyed = await store.create_conversation(Channel.WEBCHAT, secret_digest="ab" * 32)
        assert (await store.get_conversation(keyed.id)) == keyed
        assert keyed.secret_digest == "ab" * 32 and created.secret_digest is None

    async def test_a_session_start_is_stamped_and_hides_older_account_replies(
        self, store: ConversationRecords
    ) -> None:
        conversation = await store.create_conversation(Channel.WEBCHAT)
        until = datetime.now(UTC) + timedelta(minutes=15)
        await store.set_customer(conversation.id, "c-2001", until, AuthMethod.WEB_TOKEN)
        await store.add_message(conversation.id, Role.BOT, "Баланс: 100 ₽", route=Route.ACTION)
        await store.add_message(conversation.id, Role.BOT, "Комиссия 0 %", route=Route.ANSWER)
        first = await store.get_conversation(conversation.id)
        assert first is not None and first.authenticated_at is not None
        messages = await store.list_messages(conversation.id)
        assert all(first.readable_at(datetime.now(UTC))(m) for m in messages)
        await store.set_customer(conversation.id, None, None, None)
        logged_out = await store.get_conversation(conversation.id)
        assert logged_out is not None and logged_out.authenticated_at is None
        readable = logged_out.readable_at(datetime.now(UTC))
        assert [m.text for m in messages if readable(m)] == ["Комиссия 0 %"]
        await store.set_customer(conversation.id, "c-2002", until, AuthMethod.WEB_TOKEN)
        next_session = await store.get_conversation(conversation.id)
        assert next_session is not None
        readable = next_session.readable_at(datetime.now(UTC))
        assert [m.text for m in messages if readable(m)] == ["Комиссия 0 %"]

    async def test_messages_keep_order_sources_and_limit(self, store: ConversationRecords) -> None:
        conversation = await store.create_conversation(Channel.WEBCHAT)
        source = SourceRef("cards-debit-fees", "Обслуживание карт", "Стоимость", "a1b2c3")
        for i in range(5):
            await store.add_message(conversation.id, Role.CUSTOMER, f"вопрос {i}")
            await store.add_message(
                conversation.id, Role.BOT, f"ответ {i}", route=Route.ANSWER, sources=[source]
            )
        messages = await store.list_messages(conversation.id)
        assert [m.text for m in messages[:2]] == ["вопрос 0", "ответ 0"]
        assert messages[1].sources == (source,)
        assert messages[1].route is Route.ANSWER
        last = await store.list_messages(conversation.id, limit=3)
        assert [m.text for m in last] == ["ответ 3", "вопрос 4", "ответ 4"]
        assert await store.list_messages(conversation.id, limit=0) == []
        assert all(m.created_at.tzinfo is not None for m in messages)
        assert await store.get_message(messages[1].id) == messages[1]
        assert await store.get_message("not-an-id") is None
        assert await store.get_message("²") is None
        assert await store.get_message("9" * 20) is None

    async def test_long_unicode_text_is_kept_exactly(self, store: ConversationRecords) -> None:
        conversation = await store.create_conversation(Channel.WEBCHAT)
        text = "Ёжик 🦔 «кавычки»\n\tи перевод строки " + "я" * 19_000
        saved = await store.add_message(conversation.id, Role.CUSTOMER, text)
        assert (await store.list_messages(conversation.id))[0].text == text
        assert saved.text == text

    async def test_handoff_lifecycle_as_the_dialogue_records_it(self, stores: Stores) -> None:
        store = stores.conversations
        conversation = await store.create_conversation(Channel.WEBCHAT)
        assert await store.current_handoff(conversation.id) is None
        trigger = await store.add_message(conversation.id, Role.CUSTOMER, "позовите человека")
        passage = Passage("a", "A", "Текст фрагмента", 0.71, "Раздел")
        request = HandoffRequest(
            conversation.id,
            HandoffReason.FRAUD,
            "- позовите человека",
            trigger.id,
            (passage,),
            priority=Priority.HIGH,
        )
        handoff = await store.add_handoff(request)
        assert handoff.status is HandoffStatus.QUEUED and handoff.priority is Priority.HIGH
        assert handoff.passages[0].text == "Текст фрагмента" and handoff.passages[0].section
        assert await store.current_handoff(conversation.id) == handoff
        assert await store.list_handoffs(conversation.id) == [handoff]

        await store.set_summary(handoff.id, "Клиент оспаривает списание.", SummarySource.MODEL)
        current = await store.current_handoff(conversation.id)
        assert current is not None and current.summary_source is SummarySource.MODEL
        assert current.summary == "Клиент оспаривает списание."
        assert not await store.rate_handoff(handoff.id, 5), "not resolved yet"
        assert await store.offer_callback(handoff.id) is not None
        assert await store.offer_callback(handoff.id) is None, "offered once"

        # What an operator does in the console.
        assert await stores.queue.take(handoff.id, "anna")
        assert await stores.queue.resolve(handoff.id, Resolution.RESOLVED, "anna", owner="anna")
        assert await store.close_with_callback(handoff.id, "T-1") is None, "no longer queued"
        assert await store.rate_handoff(handoff.id, 4)
        assert not await store.rate_handoff(handoff.id, 1), "rated once"
        reopened = await store.reopen_handoff(handoff.id)
        assert reopened is not None and reopened.status is HandoffStatus.ACTIVE
        assert reopened.operator == "anna" and reopened.resolution is None

    async def test_a_queued_handoff_closes_with_a_callback_ticket(
        self, store: ConversationRecords
    ) -> None:
        conversation = await store.create_conversation(Channel.TELEGRAM)
        trigger = await store.add_message(conversation.id, Role.CUSTOMER, "оператор")
        handoff = await store.add_handoff(
            HandoffRequest(conversation.id, HandoffReason.CUSTOMER_REQUEST, "-", trigger.id)
        )
        closed = await store.close_with_callback(handoff.id, "T-000042")
        assert closed is not None and closed.resolution is Resolution.CALLBACK
        assert closed.ticket_id == "T-000042" and closed.status is HandoffStatus.RESOLVED
        assert await store.reopen_handoff(handoff.id) is not None, "back to the queue"
        assert (await store.current_handoff(conversation.id)).status is HandoffStatus.QUEUED  # type: ignore[union-attr]

    async def test_feedback_only_on_a_bot_message_of_the_same_conversation(
        self, store: ConversationRecords
    ) -> None:
        mine = await store.create_conversation(Channel.TELEGRAM)
        other = await store.create_conversation(Channel.TELEGRAM)
        asked = await store.add_message(mine.id, Role.CUSTOMER, "вопрос")
        answered = await store.add_message(mine.id, Role.BOT, "ответ", route=Route.ANSWER)
        assert await store.set_feedback(mine.id, answered.id, True)
        assert not await store.set_feedback(other.id, answered.id, True), "another conversation"
        assert not await store.set_feedback(mine.id, asked.id, False), "not a bot message"
        assert not await store.set_feedback(mine.id, "not-a-number", False)

    async def test_state_customer_and_token_ledger(self, store: ConversationRecords) -> None:
        conversation = await store.create_conversation(Channel.WEBCHAT)
        await store.set_state(conversation.id, DialogueState(ConfirmBlock("card-1")))
        until = datetime.now(UTC) + timedelta(minutes=15)
        await store.set_customer(conversation.id, "c-2001", until, AuthMethod.WEB_TOKEN)
        loaded = await store.get_conversation(conversation.id)
        assert loaded is not None and loaded.state == DialogueState(ConfirmBlock("card-1"))
        assert loaded.customer_at(datetime.now(UTC)) == "c-2001"
        assert loaded.customer_at(until + timedelta(seconds=1)) is None
        await store.set_customer(conversation.id, None, None, None)
        anonymous = await store.get_conversation(conversation.id)
        assert anonymous is not None and anonymous.customer_at(datetime.now(UTC)) is None
        assert await store.claim_token("jti-1", until)
        assert not await store.claim_token("jti-1", until), "a replay"

    async def test_audit_entries_filter_and_keep_the_newest(
        self, store: ConversationRecords
    ) -> None:
        old = datetime.now(UTC) - timedelta(days=2)
        await store.add_audit(AuditEntry("conv-a", None, "send_code", "sent", 12.34, old))
        for n in range(3):
            await store.add_audit(AuditEntry("conv-a", "c-1", "check_balance", "ok", float(n)))
        await store.add_audit(AuditEntry("conv-b", "c-2", "block_card", "blocked", 40.0))
        mine = await store.list_audit(conversation_id="conv-a")
        assert [e.action for e in mine] == ["send_code", *["check_balance"] * 3], "oldest first"
        assert all(e.at is not None and e.at.tzinfo is not None for e in mine)
        assert [e.outcome for e in await store.list_audit(customer_id="c-2")] == ["blocked"]
        recent = await store.list_audit(since=datetime.now(UTC) - timedelta(hours=1))
        assert len(recent) == 4 and all(e.action != "send_code" for e in recent)
        newest = await store.list_audit(conversation_id="conv-a", limit=2)
        assert [e.latency_ms for e in newest] == [1.0, 2.0]

    @pytest.mark.parametrize("state", STATES, ids=repr)
    async def test_every_dialogue_state_is_kept_as_it_was_set(
        self, store: ConversationRecords, state: DialogueState
    ) -> None:
        conversation = await store.create_conversation(Channel.TELEGRAM)
        assert conversation.state == DialogueState()
        await store.set_state(conversation.id, state)
        loaded = await store.get_conversation(conversation.id)
        assert loaded is not None and loaded.state == state


class TestMemory(MemoryStores, ConversationRecordsContract):
    pass


class TestSqlite(SqliteStores, ConversationRecordsContract):
    pass


class TestPostgres(PostgresStores, ConversationRecordsContract):
    pass
