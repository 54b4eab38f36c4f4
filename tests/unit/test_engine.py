"""DialogueEngine over fakes: routing, handoffs, storage order, history, bad input, and the
guard (rates per channel, the injected lock and limiter)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.banking import FakeAccountActions, FakeBank
from bot.dialogue.engine import ChannelRates, DialogueEngine, EnginePolicy
from bot.dialogue.errors import (
    ConversationNotFound,
    InvalidMessage,
    KnowledgeUnavailable,
    ModelBusy,
    ModelUnavailable,
    RateLimited,
)
from bot.dialogue.models import (
    Channel,
    HandoffReason,
    IncomingMessage,
    IntentMatch,
    KnowledgeQuestion,
    Rate,
    Role,
    Route,
)
from bot.dialogue.sinks import RecordingSink
from bot.dialogue.turn import NullObserver
from bot.intents import FakeIntentClassifier
from bot.knowledge import FakeKnowledgeBase
from bot.privacy.detector import PiiDetector
from bot.privacy.redactor import PiiRedactor
from bot.storage import MemoryConversationStore
from prompts import default_library
from tests.conftest import BANK


def make_engine(
    kb: FakeKnowledgeBase | None = None, **policy: int
) -> tuple[DialogueEngine, MemoryConversationStore, FakeKnowledgeBase]:
    store = MemoryConversationStore()
    knowledge = kb or FakeKnowledgeBase()
    engine = DialogueEngine(store, knowledge, default_library(), EnginePolicy(**policy))
    return engine, store, knowledge


async def say(engine: DialogueEngine, conversation_id: str, text: str) -> RecordingSink:
    sink = RecordingSink()
    await engine.handle(IncomingMessage(conversation_id, text), sink)
    return sink


async def test_knowledge_answer_streams_and_cites() -> None:
    engine, store, _ = make_engine()
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Сколько стоит обслуживание карты?")
    reply = sink.replies[0]
    assert reply.route is Route.ANSWER
    assert "99" in reply.text
    assert [s.doc_id for s in reply.sources] == ["cards-debit-fees"]
    assert "".join(sink.tokens).strip() == reply.text
    stored = await store.list_messages(conversation.id)
    assert [m.role for m in stored] == [Role.CUSTOMER, Role.BOT]
    assert stored[1].sources == reply.sources
    assert reply.message_id == stored[1].id


async def test_customer_message_is_stored_before_processing() -> None:
    store_seen: list[int] = []
    engine, store, kb = make_engine()
    conversation = await engine.start_conversation()

    async def check(_: KnowledgeQuestion) -> None:
        store_seen.append(len(await store.list_messages(conversation.id)))

    kb.on_answer = check
    sink = await say(engine, conversation.id, "Сколько стоит карта?")
    assert store_seen == [1]
    assert sink.accepted_ids == [(await store.list_messages(conversation.id))[0].id]


@pytest.mark.parametrize(
    ("text", "route", "fragment"),
    [
        ("Привет!", Route.SMALLTALK, "Здравствуйте"),
        ("hello", Route.SMALLTALK, "Hello"),
        ("спасибо", Route.SMALLTALK, "Пожалуйста"),
        ("Напиши стихотворение про осень", Route.OUT_OF_SCOPE, "только с вопросами"),
        ("What will the weather be tomorrow?", Route.OUT_OF_SCOPE, "only help"),
    ],
)
async def test_smalltalk_and_out_of_scope_skip_the_knowledge_base(
    text: str, route: Route, fragment: str
) -> None:
    engine, _, kb = make_engine()
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, text)
    assert sink.replies[0].route is route
    assert fragment in sink.replies[0].text
    assert kb.questions == []


async def test_human_request_is_a_stored_handoff() -> None:
    engine, store, kb = make_engine()
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Позовите оператора, пожалуйста")
    assert sink.replies[0].route is Route.HANDOFF
    assert sink.replies[0].handoff is HandoffReason.CUSTOMER_REQUEST
    assert "оператор" in sink.replies[0].text
    handoffs = await store.list_handoffs(conversation.id)
    assert [h.reason for h in handoffs] == [HandoffReason.CUSTOMER_REQUEST]
    assert "Позовите оператора" in handoffs[0].summary
    assert kb.questions == []


@pytest.mark.parametrize(
    ("kb", "reason"),
    [
        (FakeKnowledgeBase(confident=False), HandoffReason.LOW_CONFIDENCE),
        (FakeKnowledgeBase(abstain=True), HandoffReason.MODEL_ABSTAINED),
        (FakeKnowledgeBase(grounded=False), HandoffReason.UNGROUNDED_ANSWER),
        (FakeKnowledgeBase(fail=ModelUnavailable), HandoffReason.MODEL_UNAVAILABLE),
        (FakeKnowledgeBase(fail=ModelBusy), HandoffReason.MODEL_BUSY),
        (FakeKnowledgeBase(fail=KnowledgeUnavailable), HandoffReason.KNOWLEDGE_UNAVAILABLE),
    ],
    ids=lambda v: getattr(v, "value", ""),
)
async def test_not_sure_means_handoff(kb: FakeKnowledgeBase, reason: HandoffReason) -> None:
    engine, store, _ = make_engine(kb)
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Можно ли открыть вклад в палладии?")
    reply = sink.replies[0]
    assert reply.route is Route.HANDOFF
    assert reply.handoff is reason
    assert reply.sources == ()
    assert "оператор" in reply.text
    assert [h.reason for h in await store.list_handoffs(conversation.id)] == [reason]
    assert len(await store.list_messages(conversation.id)) == 2


async def test_a_full_model_queue_is_told_as_busy() -> None:
    engine, _, _ = make_engine(FakeKnowledgeBase(fail=ModelBusy))
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Сколько стоит карта?")
    assert "много обращений" in sink.replies[0].text
    assert sink.replies[0].handoff is HandoffReason.MODEL_BUSY


async def test_model_failure_is_told_plainly() -> None:
    engine, _, _ = make_engine(FakeKnowledgeBase(fail=ModelUnavailable))
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Сколько стоит карта?")
    assert "временно недоступен" in sink.replies[0].text
    assert "Traceback" not in sink.replies[0].text


async def test_follow_up_is_searched_in_context_and_history_passed() -> None:
    engine, _, kb = make_engine()
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Сколько стоит обслуживание дебетовой карты?")
    await say(engine, conversation.id, "а для пенсионеров?")
    follow_up = kb.questions[-1]
    assert follow_up.text == "а для пенсионеров?"
    assert "дебетовой карты" in follow_up.search_query
    assert [t.role for t in follow_up.history] == [Role.CUSTOMER, Role.BOT]


async def test_standalone_question_is_searched_as_is() -> None:
    engine, _, kb = make_engine()
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Сколько стоит обслуживание дебетовой карты?")
    await say(engine, conversation.id, "Какой лимит переводов по СБП в месяц?")
    assert kb.questions[-1].search_query == "Какой лимит переводов по СБП в месяц?"


async def test_english_question_gets_english_texts() -> None:
    engine, _, _ = make_engine(FakeKnowledgeBase(confident=False))
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Do you sell gold bars?")
    assert "operator" in sink.replies[0].text


async def test_a_quoted_line_is_an_answer_with_its_source_marked_quoted() -> None:
    quote = "Вот что об этом сказано в разделе «Карты»: Перевыпуск карты стоит 300 ₽."
    engine, _, _ = make_engine(
        FakeKnowledgeBase(answer_text="Перевыпуск стоит 12345 ₽.", quote=quote)
    )
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "сколько стоит перевыпуск карты")
    reply = sink.replies[0]
    assert (reply.route, reply.text, reply.quoted) == (Route.ANSWER, quote, True)
    assert [source.doc_id for source in reply.sources] == ["cards-debit-fees"]


@pytest.mark.parametrize(
    ("text", "route"),
    [
        # Nothing found, nothing about banking: out of scope, not an operator's time.
        ("переведи на английский «добрый вечер», пожалуйста", Route.OUT_OF_SCOPE),
        ("сколько будет два плюс два", Route.OUT_OF_SCOPE),
        # Nothing found for a word or two: the customer is asked what they mean.
        ("кэшбэк?", Route.CLARIFY),
        ("а это", Route.CLARIFY),
        # Nothing found for a banking question, or one asked of the bank: a person answers it.
        ("можно ли арендовать сейфовую ячейку в отделении", Route.HANDOFF),
        ("а вы работаете в воскресенье утром?", Route.HANDOFF),
    ],
)
async def test_what_finds_nothing_in_the_knowledge_base(text: str, route: Route) -> None:
    engine, _, _ = make_engine(FakeKnowledgeBase(confident=False))
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, text)
    assert sink.replies[0].route is route


@pytest.mark.parametrize(
    ("text", "reason"), [("", "empty"), ("   \n", "empty"), ("я" * 4001, "too_long")]
)
async def test_invalid_messages_are_rejected_unstored(text: str, reason: str) -> None:
    engine, store, _ = make_engine()
    conversation = await engine.start_conversation()
    with pytest.raises(InvalidMessage) as caught:
        await say(engine, conversation.id, text)
    assert caught.value.reason == reason
    assert await store.list_messages(conversation.id) == []


async def test_unknown_conversation() -> None:
    engine, _, _ = make_engine()
    with pytest.raises(ConversationNotFound):
        await say(engine, "no-such-conversation", "Привет")


async def test_conversations_are_separate() -> None:
    engine, store, _ = make_engine()
    first = await engine.start_conversation(Channel.WEBCHAT)
    second = await engine.start_conversation(Channel.WEBCHAT)
    await say(engine, first.id, "Привет")
    assert await store.list_messages(second.id) == []


async def test_control_characters_are_dropped_and_the_rest_stored() -> None:
    engine, store, _ = make_engine()
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Привет\x00\x07!")
    assert (await store.list_messages(conversation.id))[0].text == "Привет!"


async def test_account_question_from_an_anonymous_visitor_needs_authentication() -> None:
    store = MemoryConversationStore()
    kb = FakeKnowledgeBase()
    engine = DialogueEngine(
        store,
        kb,
        default_library(),
        intents=FakeIntentClassifier({"баланс": IntentMatch("check_balance", 0.95)}),
    )
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "какой у меня баланс?")
    reply = sink.replies[0]
    assert reply.route is Route.AUTH_REQUIRED
    assert "убедиться, что это вы" in reply.text
    assert kb.questions == [], "no account data and no knowledge-base guess"
    other = await say(engine, conversation.id, "Сколько стоит карта?")
    assert other.replies[0].route is Route.ANSWER


# Every message might be about the customer's loan payment, just below the threshold.
UNSURE_ABOUT_PAYMENT = IntentMatch("next_payment", 0.65, certain=False)


async def test_an_unsure_account_intent_answers_from_the_kb_and_offers_the_action() -> None:
    store = MemoryConversationStore()
    kb = FakeKnowledgeBase(answer_text="Если платёж выпал на выходной, его можно внести в 99 ₽.")
    actions = FakeAccountActions(FakeBank.from_file(BANK))
    engine = DialogueEngine(
        store,
        kb,
        default_library(),
        intents=FakeIntentClassifier(otherwise=UNSURE_ABOUT_PAYMENT),
        actions=actions,
    )
    conversation = await engine.start_conversation()
    reply = (await say(engine, conversation.id, "платёж по кредиту выпал на воскресенье")).replies[
        0
    ]
    assert reply.route is Route.ANSWER and "выходной" in reply.text
    assert [(b.title, b.payload) for b in reply.buttons] == [("Платёж по кредиту", "/next_payment")]
    assert actions.calls == [], "an unsure intent runs no action"


async def test_an_unsure_account_intent_asks_when_the_kb_cannot_answer() -> None:
    store = MemoryConversationStore()
    kb = FakeKnowledgeBase(confident=False)
    actions = FakeAccountActions(FakeBank.from_file(BANK))
    engine = DialogueEngine(
        store,
        kb,
        default_library(),
        intents=FakeIntentClassifier(otherwise=UNSURE_ABOUT_PAYMENT),
        actions=actions,
    )
    conversation = await engine.start_conversation()
    reply = (await say(engine, conversation.id, "что с платежом")).replies[0]
    assert reply.route is Route.CLARIFY and "Правильно ли я понял" in reply.text
    assert [b.payload for b in reply.buttons] == ["/next_payment"]
    assert await store.list_handoffs(conversation.id) == [], "asking is not a handoff"
    assert actions.calls == [], "an unsure intent runs no action"


def rate_limited_engine(
    rates: ChannelRates, **ports: object
) -> tuple[DialogueEngine, MemoryConversationStore]:
    store = MemoryConversationStore()
    policy = EnginePolicy(rates=rates)
    engine = DialogueEngine(
        store,
        FakeKnowledgeBase(),
        default_library(),
        policy,
        **ports,  # type: ignore[arg-type]
    )
    return engine, store


async def test_a_flooding_conversation_is_refused_before_anything_is_stored() -> None:
    engine, store = rate_limited_engine(ChannelRates(webchat=Rate(2, 60)))
    conversation = await engine.start_conversation()
    for _ in range(2):
        await say(engine, conversation.id, "Привет")
    with pytest.raises(RateLimited) as first:
        await say(engine, conversation.id, "Привет")
    assert first.value.first_refusal and 0 < first.value.retry_after_s <= 60
    with pytest.raises(RateLimited) as second:
        await say(engine, conversation.id, "Привет")
    assert not second.value.first_refusal, "the channel's notice is shown once per window"
    assert len(await store.list_messages(conversation.id)) == 4
    other = await engine.start_conversation()
    assert (await say(engine, other.id, "Привет")).replies, "each conversation has its own"


async def test_an_invalid_message_is_refused_before_it_counts() -> None:
    engine, _ = rate_limited_engine(ChannelRates(webchat=Rate(1, 60)))
    conversation = await engine.start_conversation()
    with pytest.raises(InvalidMessage):
        await say(engine, conversation.id, "   ")
    assert (await say(engine, conversation.id, "Привет")).replies


async def test_evaluation_is_never_rate_limited() -> None:
    engine, _ = rate_limited_engine(ChannelRates(webchat=Rate(1, 60), telegram=Rate(1, 60)))
    conversation = await engine.start_conversation(Channel.EVAL)
    for _ in range(3):
        await engine.handle(
            IncomingMessage(conversation.id, "Привет", Channel.EVAL), RecordingSink()
        )
    telegram = await engine.start_conversation(Channel.TELEGRAM)
    await engine.admit(telegram.id, Channel.TELEGRAM)
    with pytest.raises(RateLimited):
        await engine.admit(telegram.id, Channel.TELEGRAM)


class RefusingLimiter:
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def hit(self, key: str, rate: Rate) -> float:
        self.keys.append(key)
        return 7.5


class RecordingLocks:
    def __init__(self) -> None:
        self.keys: list[str] = []

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        self.keys.append(key)
        yield


async def test_the_guard_goes_through_the_injected_ports() -> None:
    locks, limiter = RecordingLocks(), RefusingLimiter()
    engine, _ = rate_limited_engine(ChannelRates(), locks=locks)
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Привет")
    assert locks.keys == [conversation.id]

    engine, _ = rate_limited_engine(ChannelRates(), locks=locks, limiter=limiter)
    with pytest.raises(RateLimited) as refused:
        await say(engine, conversation.id, "Привет")
    assert refused.value.retry_after_s == 7.5
    assert limiter.keys == [f"messages:{conversation.id}", f"refusals:{conversation.id}"]
    assert locks.keys == [conversation.id], "a refused message never takes the lock"


async def test_the_intent_classifier_is_asked_only_when_routing_needs_it() -> None:
    """Classifying costs an embedding: not for a message held for the operator nor for a
    code with no login, only for one the precedence reaches the account intents with."""
    intents = FakeIntentClassifier()
    store = MemoryConversationStore()
    engine = DialogueEngine(store, FakeKnowledgeBase(), default_library(), intents=intents)
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "123456")  # a code with no login: answered by rule
    assert intents.texts == []
    await say(engine, conversation.id, "какой у меня баланс?")
    assert intents.texts == ["какой у меня баланс?"]
    await say(engine, conversation.id, "позовите оператора")  # a handoff, by rule
    await say(engine, conversation.id, "ну где же вы")  # held for the operator
    assert intents.texts == ["какой у меня баланс?"]


async def test_the_store_keeps_the_message_redacted_and_the_turn_works_on_the_original() -> None:
    store, kb = MemoryConversationStore(), FakeKnowledgeBase()
    redactor = PiiRedactor(PiiDetector())  # no NER: the rules alone
    engine = DialogueEngine(store, kb, default_library(), redactor=redactor)
    conversation = await engine.start_conversation()
    typed = "Сколько стоит обслуживание карты 4276 3801 2345 6787 в отделении на ул. Тверской, 15?"
    await say(engine, conversation.id, typed)
    assert kb.questions[-1].text == typed, "retrieval and the model see it as typed"
    stored = (await store.list_messages(conversation.id))[0].text
    assert stored == "Сколько стоит обслуживание карты [карта ••6787] в отделении на [адрес]?"


class Outcomes(NullObserver):
    def __init__(self) -> None:
        self.outcomes: list[str] = []
        self.stages: list[str] = []

    def stage(self, name: str, seconds: float) -> None:
        self.stages.append(name)

    def knowledge(self, outcome: str) -> None:
        self.outcomes.append(outcome)


async def test_only_a_question_that_depends_on_nothing_else_may_use_the_answer_cache() -> None:
    store = MemoryConversationStore()
    kb = FakeKnowledgeBase()
    redactor = PiiRedactor(PiiDetector())
    engine = DialogueEngine(store, kb, default_library(), redactor=redactor)
    conversation = await engine.start_conversation()
    await say(engine, conversation.id, "Сколько стоит обслуживание карты «Классика»?")
    await say(engine, conversation.id, "а для пенсионеров?")  # borrows the question before
    other = await engine.start_conversation()
    sink = await say(
        engine, other.id, "Пишу с ivan.petrov@mail.ru: сколько стоит обслуживание карты?"
    )
    assert sink.replies[0].route is Route.ANSWER, sink.replies[0]
    assert [q.cacheable for q in kb.questions] == [True, False, False]


async def test_a_cached_answer_is_an_answer_and_is_counted_as_one() -> None:
    observer = Outcomes()
    store = MemoryConversationStore()
    kb = FakeKnowledgeBase(cached=True)
    engine = DialogueEngine(store, kb, default_library(), observer=observer)
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Сколько стоит обслуживание карты?")
    assert sink.replies[0].route is Route.ANSWER and sink.replies[0].cached
    kb.cached, kb.curated = False, True
    await say(engine, conversation.id, "Сколько стоит обслуживание карты?")
    assert "first_token" not in observer.stages  # no model wrote them: not its TTFT
    kb.curated, kb.grounded = False, False
    await say(engine, conversation.id, "Сколько стоит обслуживание карты?")
    assert observer.outcomes == ["cache", "faq", "ungrounded"]
    assert observer.stages.count("first_token") == 1


async def test_a_customer_waiting_for_the_model_is_told_their_place() -> None:
    engine, _, _ = make_engine(FakeKnowledgeBase(queue=(2, 1)))
    conversation = await engine.start_conversation()
    sink = await say(engine, conversation.id, "Сколько стоит обслуживание карты?")
    assert len(sink.notices) == 2
    assert "2-й в очереди" in sink.notices[0] and "1-й в очереди" in sink.notices[1]
    assert "1 мин" in sink.notices[1]  # 20 s: about a minute
    assert sink.replies[0].route is Route.ANSWER
