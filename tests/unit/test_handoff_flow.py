"""The dialogue around a handoff, over fakes: escalation reasons, the bot's silence while a
person owns the conversation, the queue's holding reply, callback, CSAT, summaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.banking import FakeAccountActions, FakeAuthenticator, FakeBank, FakeCallbackDesk
from bot.dialogue.engine import DialogueEngine, EnginePolicy
from bot.dialogue.handoff import HandoffPolicy, extractive_summary, handed_over_at
from bot.dialogue.hours import WorkingHours
from bot.dialogue.models import (
    AuthMethod,
    HandoffEventKind,
    HandoffReason,
    HandoffStatus,
    IncomingMessage,
    IntentMatch,
    Priority,
    Resolution,
    Role,
    Route,
    StoredMessage,
    SummarySource,
)
from bot.dialogue.sinks import RecordingSink
from bot.dialogue.turn import NullObserver
from bot.intents import FakeIntentClassifier
from bot.knowledge import FakeKnowledgeBase
from bot.operators.summary import FakeSummarizer
from bot.storage import MemoryConversationStore
from bot.storage.memory import MemoryHandoffQueue
from prompts import default_library
from tests.conftest import BANK


def demo_bank(*, available: bool = True) -> FakeBank:
    """The demo bank of the sandbox (c-2001 has one active card, ••5512)."""
    bank = FakeBank.from_file(BANK)
    bank.available = available
    return bank


# «заблокируйте карту» is surely about blocking; anything else might be the loan payment.
SURE_ABOUT_BLOCKING = {"заблок": IntentMatch("block_card", 0.9)}
UNSURE_ABOUT_PAYMENT = IntentMatch("next_payment", 0.64, certain=False)


def engine_with(
    kb: FakeKnowledgeBase | None = None,
    *,
    policy: HandoffPolicy | None = None,
    clock: datetime | None = None,
    **extra: object,
) -> tuple[DialogueEngine, MemoryConversationStore, FakeKnowledgeBase]:
    store = MemoryConversationStore()
    knowledge = kb or FakeKnowledgeBase()
    engine = DialogueEngine(
        store,
        knowledge,
        default_library(),
        EnginePolicy(handoff=policy or HandoffPolicy()),
        clock=(lambda: clock) if clock else None,
        authenticator=FakeAuthenticator(demo_bank()),
        **extra,  # type: ignore[arg-type]
    )
    return engine, store, knowledge


async def say(engine: DialogueEngine, conversation_id: str, text: str) -> RecordingSink:
    sink = RecordingSink()
    await engine.handle(IncomingMessage(conversation_id, text), sink)
    return sink


async def operator_replies(store: MemoryConversationStore, handoff: str) -> None:
    """Anna takes the handoff in the console and answers: the conversation is hers."""
    queue = MemoryHandoffQueue(store.db)
    assert await queue.take(handoff, "anna")
    assert await queue.add_operator_message(handoff, "anna", "Анна", "Здравствуйте")


async def operator_closes(
    store: MemoryConversationStore, handoff: str, resolution: Resolution
) -> None:
    await operator_replies(store, handoff)
    assert await MemoryHandoffQueue(store.db).resolve(handoff, resolution, "anna", owner="anna")


async def handed_over(engine: DialogueEngine, store: MemoryConversationStore) -> tuple[str, str]:
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "позовите оператора")
    handoff = await store.current_handoff(conversation.id)
    assert handoff is not None
    return conversation.id, handoff.id


async def test_the_bot_is_silent_while_an_operator_owns_the_conversation() -> None:
    engine, store, kb = engine_with()
    conversation, handoff = await handed_over(engine, store)
    await operator_replies(store, handoff)
    before = len(await store.list_messages(conversation))
    sink = await say(engine, conversation, "Сколько стоит обслуживание карты?")
    reply = sink.replies[0]
    assert (reply.route, reply.text, reply.message_id) == (Route.OPERATOR, "", None)
    messages = await store.list_messages(conversation)
    assert len(messages) == before + 1 and messages[-1].role is Role.CUSTOMER
    assert kb.questions == [], "no answer is prepared"
    last = store.events[-1]
    assert (last.kind, last.message_id) == (HandoffEventKind.MESSAGE, messages[-1].id)


async def test_while_queued_the_customer_is_told_the_operator_will_see_it() -> None:
    engine, store, kb = engine_with()
    conversation, _ = await handed_over(engine, store)
    reply = (await say(engine, conversation, "а ещё вопрос про вклады")).replies[0]
    assert reply.route is Route.OPERATOR and "передано оператору" in reply.text
    assert kb.questions == []
    assert len(await store.list_handoffs(conversation)) == 1, "the same handoff"
    assert store.events[-1].kind is HandoffEventKind.MESSAGE


async def test_after_resolution_the_bot_answers_again() -> None:
    engine, store, kb = engine_with()
    conversation, handoff = await handed_over(engine, store)
    await operator_closes(store, handoff, Resolution.HANDED_BACK)
    reply = (await say(engine, conversation, "Сколько стоит обслуживание карты?")).replies[0]
    assert reply.route is Route.ANSWER and "99" in reply.text
    assert len(kb.questions) == 1


async def test_within_the_reopen_window_the_operator_gets_the_conversation_back() -> None:
    a_minute_later = datetime.now(UTC) + timedelta(seconds=60)
    engine, store, kb = engine_with(policy=HandoffPolicy(reopen_window_s=600), clock=a_minute_later)
    conversation, handoff = await handed_over(engine, store)
    await operator_closes(store, handoff, Resolution.RESOLVED)
    reply = (await say(engine, conversation, "и ещё одно: а как закрыть счёт?")).replies[0]
    assert reply.route is Route.OPERATOR and reply.text == ""
    current = await store.current_handoff(conversation)
    assert current is not None
    assert (current.status, current.operator) == (HandoffStatus.ACTIVE, "anna")
    assert kb.questions == []


class RatingsSeen(NullObserver):
    """The engine's observer port, recording the operators' ratings (the CSAT metric)."""

    def __init__(self) -> None:
        self.scores: list[int] = []

    def csat(self, score: int) -> None:
        self.scores.append(score)


async def test_csat_after_resolution_is_stored_once() -> None:
    ratings = RatingsSeen()
    engine, store, _ = engine_with(observer=ratings)
    conversation, handoff = await handed_over(engine, store)
    await operator_closes(store, handoff, Resolution.RESOLVED)
    thanks = (await say(engine, conversation, "/csat_4")).replies[0]
    assert "Спасибо за оценку" in thanks.text
    assert (await store.current_handoff(conversation)).csat == 4  # type: ignore[union-attr]
    again = (await say(engine, conversation, "5")).replies[0]
    assert "Спасибо за оценку" not in again.text, "a second rating is a normal message"
    assert ratings.scores == [4]


@pytest.mark.parametrize(
    ("text", "reason", "priority"),
    [
        ("С карты списали 5000, я эту покупку не совершал!", HandoffReason.FRAUD, Priority.HIGH),
        ("I did not make this transaction, it is fraud", HandoffReason.FRAUD, Priority.HIGH),
        ("Это безобразие, буду жаловаться в ЦБ", HandoffReason.COMPLAINT, Priority.NORMAL),
        ("I will sue your bank", HandoffReason.COMPLAINT, Priority.NORMAL),
    ],
)
async def test_fraud_and_complaints_go_to_people(
    text: str, reason: HandoffReason, priority: Priority
) -> None:
    engine, store, kb = engine_with()
    conversation = await engine.start_conversation()
    reply = (await say(engine, conversation.id, text)).replies[0]
    assert (reply.route, reply.handoff) == (Route.HANDOFF, reason)
    handoff = await store.current_handoff(conversation.id)
    assert handoff is not None and (handoff.reason, handoff.priority) == (reason, priority)
    assert kb.questions == []


async def test_fraud_offers_to_block_the_card_first_and_the_block_works_while_queued() -> None:
    actions = FakeAccountActions(demo_bank())
    engine, _, _ = engine_with(actions=actions, intents=FakeIntentClassifier(SURE_ABOUT_BLOCKING))
    conversation = await engine.start_conversation()
    await engine.authenticate(conversation.id, "c-2001", AuthMethod.EVAL)
    reply = (await say(engine, conversation.id, "списали деньги, я ничего не покупал")).replies[0]
    assert reply.handoff is HandoffReason.FRAUD
    assert [b.payload for b in reply.buttons] == ["/block_card"]
    pressed = (await say(engine, conversation.id, "/block_card")).replies[0]
    assert [call.action for call in actions.calls] == ["block_card"]
    assert "5512" in pressed.text


async def test_fraud_policy_switch_turns_the_rule_off() -> None:
    engine, _, kb = engine_with(policy=HandoffPolicy(escalate_fraud=False))
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "С карты списали 5000, я эту покупку не совершал!")
    assert kb.questions, "the knowledge base is asked instead"


async def test_two_failed_answers_in_a_row_hand_over() -> None:
    engine, _, _ = engine_with(
        FakeKnowledgeBase(confident=False),
        intents=FakeIntentClassifier(otherwise=UNSURE_ABOUT_PAYMENT),
        actions=FakeAccountActions(demo_bank()),
    )
    conversation = await engine.start_conversation()
    first = (await say(engine, conversation.id, "что с платежом")).replies[0]
    assert first.route is Route.CLARIFY
    second = (await say(engine, conversation.id, "ну платёж")).replies[0]
    assert (second.route, second.handoff) == (Route.HANDOFF, HandoffReason.REPEATED_FAILURE)


async def test_not_helped_twice_hands_over_and_a_good_answer_resets_the_count() -> None:
    engine, store, _ = engine_with()
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Сколько стоит обслуживание карты?")
    first = (await say(engine, conversation.id, "не помогло, сколько стоит карта?")).replies[0]
    assert first.route is Route.ANSWER
    assert await store.current_handoff(conversation.id) is None
    second = (await say(engine, conversation.id, "вы не поняли вопрос")).replies[0]
    assert second.handoff is HandoffReason.REPEATED_FAILURE


async def test_outside_working_hours_the_customer_is_told_and_offered_a_callback() -> None:
    hours = WorkingHours.parse("09:00-21:00", "1-7", "Europe/Moscow")
    night = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # 02:30 in Moscow
    engine, store, _ = engine_with(
        policy=HandoffPolicy(hours=hours),
        clock=night,
        callbacks=FakeCallbackDesk(demo_bank()),
    )
    conversation = await engine.start_conversation()
    reply = (await say(engine, conversation.id, "позовите оператора")).replies[0]
    assert "09:00–21:00" in reply.text and "обратный звонок" in reply.text
    assert [b.payload for b in reply.buttons] == ["/request_callback"]
    handoff = await store.current_handoff(conversation.id)
    assert handoff is not None and handoff.callback_offered_at is not None


async def test_callback_asks_an_anonymous_customer_to_log_in_then_opens_a_ticket() -> None:
    callbacks = FakeCallbackDesk(demo_bank())
    engine, store, _ = engine_with(callbacks=callbacks)
    conversation, _ = await handed_over(engine, store)
    login = (await say(engine, conversation, "/request_callback")).replies[0]
    assert login.route is Route.AUTH_REQUIRED and "обратный звонок" in login.text
    assert callbacks.requests == []
    await engine.authenticate(conversation, "c-2001", AuthMethod.EVAL)
    done = (await say(engine, conversation, "/request_callback")).replies[0]
    assert "T-000001" in done.text
    assert callbacks.requests[0].customer_id == "c-2001"
    closed = await store.current_handoff(conversation)
    assert closed is not None and closed.resolution is Resolution.CALLBACK
    assert closed.ticket_id == "T-000001"
    assert [(a.action, a.outcome) for a in store.audit] == [("open_ticket", "ok")]


async def test_callback_when_the_crm_is_down_keeps_the_handoff_queued() -> None:
    engine, store, _ = engine_with(callbacks=FakeCallbackDesk(demo_bank(available=False)))
    conversation, _ = await handed_over(engine, store)
    await engine.authenticate(conversation, "c-2001", AuthMethod.EVAL)
    reply = (await say(engine, conversation, "/request_callback")).replies[0]
    assert "Не удалось создать заявку" in reply.text
    handoff = await store.current_handoff(conversation)
    assert handoff is not None and handoff.status is HandoffStatus.QUEUED
    assert [(a.action, a.outcome) for a in store.audit] == [("open_ticket", "error")]


async def test_the_model_summary_replaces_the_extractive_one_with_numbers_masked() -> None:
    summarizer = FakeSummarizer("Клиент спрашивает про карту 4276 1234 5678 5512.")
    engine, store, _ = engine_with(summarizer=summarizer)
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "моя карта 4276 1234 5678 5512 не работает")
    await say(engine, conversation.id, "позовите оператора")
    first = await store.current_handoff(conversation.id)
    assert first is not None and first.summary_source is SummarySource.EXTRACTIVE
    assert "••5512" in first.summary and "4276" not in first.summary
    assert engine.handoffs.summaries is not None
    await engine.handoffs.summaries.drain()
    written = await store.current_handoff(conversation.id)
    assert written is not None and written.summary_source is SummarySource.MODEL
    # The customer only asked for a person: the question before that request opens it.
    assert written.summary == (
        "Передан оператору на вопросе клиента: «моя карта ••5512 не работает»\n"
        "Клиент спрашивает про карту ••5512."
    )
    assert all("4276" not in turn.text for turn in summarizer.seen[0]), "masked for the model"


async def test_the_summary_opens_with_the_question_the_bot_could_not_answer() -> None:
    """A trial showed a model summary describing an earlier question the bot had answered;
    whatever the model writes, the question the conversation was handed over at comes first."""
    summarizer = FakeSummarizer("Клиент спрашивал про обслуживание карты, бот ответил.")
    kb = FakeKnowledgeBase()
    engine, store, _ = engine_with(kb, summarizer=summarizer)
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Сколько стоит обслуживание карты?")  # answered
    kb.confident = False
    await say(engine, conversation.id, "А можно открыть счёт в юанях для ИП?")  # not found
    handoff = await store.current_handoff(conversation.id)
    assert handoff is not None and handoff.reason is HandoffReason.LOW_CONFIDENCE
    lead = "Передан оператору на вопросе клиента: «А можно открыть счёт в юанях для ИП?»"
    assert handoff.summary.startswith(lead + "\n- ")  # the extractive one, until the model's
    assert engine.handoffs.summaries is not None
    await engine.handoffs.summaries.drain()
    written = await store.current_handoff(conversation.id)
    assert written is not None and written.summary_source is SummarySource.MODEL
    assert written.summary.splitlines()[0] == lead


def test_the_question_handed_over_at_is_masked_and_bounded() -> None:
    now = datetime.now(UTC)

    def customer(*texts: str) -> list[StoredMessage]:
        return [StoredMessage(str(i), "c", Role.CUSTOMER, t, now) for i, t in enumerate(texts)]

    assert handed_over_at(customer("карта 4276 1234 5678 5512?"), HandoffReason.FRAUD) == (
        "карта ••5512?"
    )
    long = handed_over_at(customer("слово " * 100), HandoffReason.LOW_CONFIDENCE)
    assert len(long) == 200 and long.endswith("…")
    assert handed_over_at(customer("оператор"), HandoffReason.CUSTOMER_REQUEST) == "оператор"
    assert handed_over_at([], HandoffReason.LOW_CONFIDENCE) == ""


@pytest.mark.parametrize("summarizer", [FakeSummarizer(fail=True), FakeSummarizer(delay_s=5)])
async def test_a_failed_or_slow_model_leaves_the_extractive_summary(
    summarizer: FakeSummarizer,
) -> None:
    engine, store, _ = engine_with(
        policy=HandoffPolicy(summary_timeout_s=0.2), summarizer=summarizer
    )
    conversation = await engine.start_conversation()
    reply = (await say(engine, conversation.id, "позовите оператора")).replies[0]
    assert reply.route is Route.HANDOFF, "the customer never waits for the summary"
    assert engine.handoffs.summaries is not None
    await engine.handoffs.summaries.drain()
    handoff = await store.current_handoff(conversation.id)
    assert handoff is not None and handoff.summary_source is SummarySource.EXTRACTIVE
    assert "позовите оператора" in handoff.summary


def test_extractive_summary_keeps_the_customer_words_newest_last() -> None:
    now = datetime.now(UTC)
    messages = [
        StoredMessage(str(i), "c", role, text, now)
        for i, (role, text) in enumerate(
            [(Role.CUSTOMER, "раз"), (Role.BOT, "ответ"), (Role.CUSTOMER, "два")]
        )
    ]
    assert extractive_summary(messages, 600) == "- раз\n- два"
    assert extractive_summary(messages, 5).startswith("…")


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (datetime(2026, 11, 26, 6, 0, tzinfo=UTC), True),  # 09:00 Moscow, Thursday
        (datetime(2026, 11, 26, 5, 59, tzinfo=UTC), False),
        (datetime(2026, 11, 26, 18, 0, tzinfo=UTC), False),  # 21:00 Moscow
        (datetime(2026, 11, 28, 10, 0, tzinfo=UTC), False),  # Saturday
    ],
)
def test_working_hours(moment: datetime, open_: bool) -> None:
    hours = WorkingHours.parse("09:00-21:00", "1-5", "Europe/Moscow")
    assert hours.open_at(moment) is open_


def test_night_shift_spans_midnight() -> None:
    hours = WorkingHours.parse("20:00-08:00", "1-7", "UTC")
    assert hours.open_at(datetime(2026, 11, 26, 23, 0, tzinfo=UTC))
    assert hours.open_at(datetime(2026, 11, 27, 7, 59, tzinfo=UTC))
    assert not hours.open_at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    assert WorkingHours.parse("00:00-24:00", "1-7", "UTC").always


@pytest.mark.parametrize("bad", ["9-21", "25:00-26:00", "09:00-24:30", ""])
def test_bad_working_hours_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"working hours|time of day"):
        WorkingHours.parse(bad, "1-7", "UTC")
