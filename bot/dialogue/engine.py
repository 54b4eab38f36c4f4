"""DialogueEngine: one customer message in, one reply out (streamed through a sink).

A message goes through the steps of ARCHITECTURE's flow: the guard (size, then the channel's
rate through the ``RateLimiter`` port, then the conversation's lock through the
``ConversationLocks`` port), the conversation's state from storage, the route step
(:func:`bot.dialogue.decision.decide`, pure), and the act step (``_act``), the only place with
side effects, which then stores what changed and the reply.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.dialogue import spelling
from bot.dialogue.accounts import AccountDesk
from bot.dialogue.decision import (
    HANDOFF_SIDE,
    Answer,
    AskToLogIn,
    Decision,
    EndStep,
    Escalation,
    Features,
    HandOff,
    HoldForOperator,
    RateOperator,
    ReopenHandoff,
    RequestCallback,
    RunAction,
    Say,
    SendCode,
    Situation,
    StaySilent,
    VerifyCode,
    act,
    count_failure,
    decide,
    label,
)
from bot.dialogue.errors import (
    ConversationNotFound,
    CoreUnavailable,
    DialogueError,
    KnowledgeUnavailable,
    ModelBusy,
    ModelUnavailable,
)
from bot.dialogue.guard import ChannelRates, Guard
from bot.dialogue.handoff import HandoffFlow, HandoffPolicy
from bot.dialogue.language import detect_language
from bot.dialogue.locks import MemoryConversationLocks
from bot.dialogue.login import CodeLimits, Login
from bot.dialogue.models import (
    AnswerDelta,
    AnswerFinished,
    AuthMethod,
    Channel,
    ChatTurn,
    Conversation,
    HandoffReason,
    IncomingMessage,
    IntentMatch,
    KnowledgeQuestion,
    Lang,
    ModelQueued,
    PassagesFound,
    Rate,
    Reply,
    Role,
    Route,
    StoredMessage,
)
from bot.dialogue.ports import (
    AccountActions,
    Authenticator,
    CallbackDesk,
    ConversationLocks,
    ConversationStore,
    IntentClassifier,
    KnowledgeBase,
    RateLimiter,
    Redactor,
    ReplySink,
    Sealer,
    Summarizer,
    TextCatalog,
)
from bot.dialogue.rate_limits import MemoryRateLimiter
from bot.dialogue.routing import addresses_the_bank, is_follow_up, mentions_banking
from bot.dialogue.state import ConfirmBlock
from bot.dialogue.turn import AuditRecorder, EngineObserver, NullObserver, Turn

__all__ = [
    "ChannelRates",
    "DialogueEngine",
    "EngineObserver",
    "EnginePolicy",
    "HandoffPolicy",
    "Rate",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EnginePolicy:
    max_message_chars: int = 4000
    history_turns: int = 6
    default_language: Lang = "ru"
    session_ttl_s: float = 900.0
    max_code_failures: int = 5
    codes: CodeLimits = field(default_factory=CodeLimits)
    handoff: HandoffPolicy = field(default_factory=HandoffPolicy)
    rates: ChannelRates = field(default_factory=ChannelRates)


class DialogueEngine:
    def __init__(
        self,
        store: ConversationStore,
        knowledge: KnowledgeBase,
        texts: TextCatalog,
        policy: EnginePolicy | None = None,
        observer: EngineObserver | None = None,
        intents: IntentClassifier | None = None,
        actions: AccountActions | None = None,
        authenticator: Authenticator | None = None,
        clock: Callable[[], datetime] | None = None,
        summarizer: Summarizer | None = None,
        callbacks: CallbackDesk | None = None,
        locks: ConversationLocks | None = None,
        limiter: RateLimiter | None = None,
        redactor: Redactor | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self._intents = intents
        self._redactor = redactor
        self._sealer = sealer
        self._clock = clock or (lambda: datetime.now(UTC))
        policy = policy or EnginePolicy()
        self.locks: ConversationLocks = locks if locks is not None else MemoryConversationLocks()
        self._limiter: RateLimiter = limiter or MemoryRateLimiter()
        self._guard = Guard(policy.max_message_chars, policy.rates, self._limiter)
        self._observer: EngineObserver = observer or NullObserver()
        audit = AuditRecorder(store, self._observer)
        self.handoffs = HandoffFlow(
            store,
            texts,
            policy.handoff,
            self._observer,
            audit,
            summarizer=summarizer,
            callbacks=callbacks,
            can_block_cards=actions is not None,
            clock=self._clock,
        )
        self._accounts = AccountDesk(actions, audit, texts) if actions is not None else None
        self._login = (
            Login(
                authenticator,
                store,
                audit,
                texts,
                session_ttl=timedelta(seconds=policy.session_ttl_s),
                max_failures=policy.max_code_failures,
                clock=self._clock,
                limiter=self._limiter,
                limits=policy.codes,
            )
            if authenticator is not None
            else None
        )
        self._store = store
        self._knowledge = knowledge
        self._texts = texts
        self._policy = policy
        self._features = Features(
            login=authenticator is not None,
            accounts=actions is not None,
            callbacks=callbacks is not None,
        )
        self._escalation = Escalation(
            fraud=policy.handoff.escalate_fraud, complaints=policy.handoff.escalate_complaints
        )

    async def aclose(self, grace_s: float = 0.0) -> None:
        """Stop background work: summaries being written may finish within ``grace_s``."""
        await self.handoffs.aclose(grace_s)

    async def start_conversation(
        self,
        channel: Channel = Channel.WEBCHAT,
        lang: Lang | None = None,
        *,
        secret_digest: str | None = None,
    ) -> Conversation:
        return await self._store.create_conversation(channel, lang, secret_digest=secret_digest)

    async def conversation(self, conversation_id: str) -> Conversation:
        conversation = await self._store.get_conversation(conversation_id)
        if conversation is None:
            raise ConversationNotFound(conversation_id)
        return conversation

    async def transcript(self, conversation_id: str) -> list[StoredMessage]:
        """The messages whoever holds the conversation now may read
        (``Conversation.readable_at``)."""
        conversation = await self.conversation(conversation_id)
        readable = conversation.readable_at(self._clock())
        return [m for m in await self._store.list_messages(conversation_id) if readable(m)]

    def validate(self, text: str) -> str:
        """The message as it will be processed, or InvalidMessage (``Guard.validate``)."""
        return self._guard.validate(text)

    async def admit(self, conversation_id: str, channel: Channel) -> None:
        """Count one message of the conversation against its channel's rate, or raise
        RateLimited. ``handle`` does this itself; channels call it for what they answer
        without the engine (a photo, a command)."""
        await self._guard.admit(conversation_id, channel)

    async def authenticate(
        self, conversation_id: str, customer_id: str, method: AuthMethod
    ) -> datetime:
        """Bind the conversation to a customer the channel has verified (the bank's web token,
        an evaluation case); returns when the session expires."""
        await self.conversation(conversation_id)
        async with self.locks.hold(conversation_id):
            if self._login is None:
                raise DialogueError("authentication is not configured")
            return await self._login.authenticate(conversation_id, customer_id, method)

    async def logout(self, conversation_id: str) -> None:
        conversation = await self.conversation(conversation_id)
        async with self.locks.hold(conversation_id):
            if self._login is not None:
                await self._login.logout(conversation_id)
            await self._store.set_state(conversation_id, conversation.state.logged_out())

    async def feedback(self, conversation_id: str, message_id: str, positive: bool) -> bool:
        """The customer rates a bot reply of this conversation (👍/👎)."""
        stored = await self._store.set_feedback(conversation_id, message_id, positive)
        if stored:
            self._observer.feedback(positive)
        return stored

    async def handle(self, message: IncomingMessage, sink: ReplySink) -> Reply:
        """The guard (size, rate, then one message of a conversation at a time, in arrival
        order), then the turn. Raises InvalidMessage or RateLimited before storing anything."""
        text = self.validate(message.text)
        # Arrival order is the order of joining the conversation's queue, just below: the
        # memory limiter never suspends; Redis's answers in about a millisecond.
        await self.admit(message.conversation_id, message.channel)
        async with self.locks.hold(message.conversation_id):
            return await self._handle(message, text, sink)

    async def _handle(self, message: IncomingMessage, text: str, sink: ReplySink) -> Reply:
        started = time.perf_counter()
        conversation = await self.conversation(message.conversation_id)
        customer = conversation.customer_at(self._clock())
        expired = conversation.customer_id is not None and customer is None
        if expired:
            await self._store.set_customer(conversation.id, None, None, None)
        readable = conversation.readable_at(self._clock())
        history = [
            m
            for m in await self._store.list_messages(
                message.conversation_id, limit=self._policy.history_turns * 2
            )
            if readable(m)
        ]
        handoff = await self._store.current_handoff(conversation.id)
        with self._timed("store"):
            typed = Login.masked(text, conversation.state)
            kept = typed
            if self._redactor is not None:  # the turn works on the original, the store never
                kept = await self._redactor.redact(typed)
            stored = await self._store.add_message(message.conversation_id, Role.CUSTOMER, kept)
            if self._sealer is not None and kept != typed:  # the bank keeps it, encrypted
                await self._store.seal_message(stored.id, self._sealer.seal(typed))
        await sink.accepted(stored.id)
        previous = next((m.text for m in reversed(history) if m.role is Role.CUSTOMER), "")
        fallback = detect_language(previous, self._policy.default_language)
        lang = message.lang or conversation.lang or detect_language(text, fallback)
        turn = Turn(
            conversation.id,
            stored,
            history,
            text,
            lang,
            customer,
            expired,
            conversation.state,
            sink,
            handoff,
            message.typed_phone_login,
        )
        if handoff is not None and handoff.status.open:
            await self.handoffs.note(turn, handoff)  # operators see it live
        classified = _Classified(self._intents, text)
        situation = Situation(
            text=text,
            state=conversation.state,
            authenticated=customer is not None,
            expired=expired,
            features=self._features,
            intent=classified,
            escalation=self._escalation,
            handoff=self.handoffs.snapshot(handoff) if handoff is not None else None,
        )
        try:
            reply = await self._turn(turn, situation)
        except CoreUnavailable:
            reply = await self.handoffs.open(turn, HandoffReason.CORE_UNAVAILABLE)
        if turn.state != conversation.state:
            await self._store.set_state(conversation.id, turn.state)

        if reply.text:  # silent while an operator owns the conversation
            bot_message = await self._store.add_message(
                message.conversation_id,
                Role.BOT,
                reply.text,
                route=reply.route,
                sources=reply.sources,
                answered_by=reply.answered_by,
            )
            reply = dataclasses.replace(reply, message_id=bot_message.id)
        reply = dataclasses.replace(reply, authenticated=turn.customer is not None)
        self._observer.routed(reply.route)
        self._observer.stage("total", time.perf_counter() - started)
        with self._timed("send"):
            await sink.reply(reply)
        return reply

    async def _turn(self, turn: Turn, situation: Situation) -> Reply:
        """Route, act, and count a failed bot answer."""
        with self._timed("route"):
            decision = decide(situation)
        asked = isinstance(situation.intent, _Classified) and situation.intent.asked
        match = situation.intent() if asked else None  # logged only if routing needed it
        log.info(
            "message conversation=%s message=%s decision=%s intent=%s certain=%s lang=%s",
            turn.conversation_id,
            turn.stored.id,
            label(decision),
            match.action if match else None,
            match.certain if match else None,
            turn.lang,
        )
        reply = await self._act(turn, situation, decision)
        if isinstance(decision, HANDOFF_SIDE):
            return reply  # about the handoff, not a bot answer
        turn.state, handoff = count_failure(
            turn.state, reply.route, turn.text, self._policy.handoff.failed_turns_limit
        )
        return reply if handoff is None else await self.handoffs.open(turn, handoff.reason)

    async def _act(self, turn: Turn, situation: Situation, decision: Decision) -> Reply:
        """Carry out the decision: the one place where a turn has side effects."""
        match decision:
            case EndStep(then):
                turn.state = turn.state.step_ended()
                return await self._act(turn, situation, then)
            case StaySilent():
                return Reply("", Route.OPERATOR)
            case HoldForOperator():
                return self.handoffs.waiting(turn)
            case Say(template, route, action):
                return Reply(self._texts.render(template, turn.lang), route, action=action)
            case HandOff(reason):
                return await self.handoffs.open(turn, reason)
            case SendCode(_) if not turn.typed_phone_login:
                # A typed phone proves nothing where the channel has a verified contact.
                return Reply(
                    self._texts.render("utter_share_contact", turn.lang), Route.AUTH_REQUIRED
                )
            case SendCode(phone):
                assert self._login is not None
                reply, turn.state = await self._login.send_code(
                    turn.conversation_id, phone, turn.state, turn.lang
                )
                return reply
            case VerifyCode(code):
                return await self._verify(turn, situation, code)
            case RunAction(action, card_last4, confirmed):
                return await self._run(turn, action, card_last4, confirmed)
            case RequestCallback():
                return await self.handoffs.callback(turn)
            case AskToLogIn(action, template):
                turn.state = turn.state.remembering(action)
                return Reply(self._texts.render(template, turn.lang), Route.AUTH_REQUIRED)
            case Answer(offer):
                return await self._answer(turn, offer)
            case RateOperator(score):
                rated = await self.handoffs.rate(turn, score)
                return rated or await self._turn(turn, _without(situation, rating=True))
            case ReopenHandoff():
                reopened = await self.handoffs.reopen(turn)
                return reopened or await self._turn(turn, _without(situation, reopening=True))

    async def _verify(self, turn: Turn, situation: Situation, code: str) -> Reply:
        """Check the code; once it proves who the customer is, run what they asked before."""
        assert self._login is not None
        attempt = await self._login.verify(turn.conversation_id, code, turn.state, turn.lang)
        turn.state = attempt.state
        if attempt.customer_id is None:
            return attempt.reply
        turn.customer = attempt.customer_id
        action, after = turn.state.take_action()
        if action is None:
            return attempt.reply
        turn.state = after
        # The message was the code: its digits name no card (a 4-digit code would look like one).
        logged_in = dataclasses.replace(situation, state=after, authenticated=True, text="")
        then = await self._act(turn, logged_in, act(action, logged_in))
        return dataclasses.replace(then, text=f"{attempt.reply.text}\n\n{then.text}")

    async def _run(self, turn: Turn, action: str, card_last4: str | None, confirmed: bool) -> Reply:
        assert self._accounts is not None and turn.customer is not None
        step = turn.state.step
        outcome = await self._accounts.run(
            action,
            conversation_id=turn.conversation_id,
            customer_id=turn.customer,
            lang=turn.lang,
            card_last4=card_last4,
            confirming=step.card_id if isinstance(step, ConfirmBlock) else None,
            confirmed=confirmed,
        )
        if outcome is None:
            return await self.handoffs.open(turn, HandoffReason.CORE_UNAVAILABLE, action=action)
        turn.state = turn.state.with_step(outcome.step)
        return outcome.reply

    async def _answer(self, turn: Turn, offer: str | None) -> Reply:
        """The knowledge base's answer. With an account action to ``offer``, the action's
        button goes with the answer, and the bot asks instead of handing over when the
        knowledge base is unsure."""
        if offer is None:
            return await self._knowledge_answer(turn)
        assert self._accounts is not None
        buttons = self._accounts.clarify_buttons((offer,), turn.lang)
        asked = self._texts.render("utter_clarify_intent", turn.lang, action=offer)
        unsure = Reply(asked, Route.CLARIFY, buttons=buttons)
        answer = await self._knowledge_answer(turn, unsure=unsure)
        return dataclasses.replace(answer, buttons=buttons)

    async def _knowledge_answer(self, turn: Turn, unsure: Reply | None = None) -> Reply:
        """The knowledge base's answer; a handoff when it is unsure, or ``unsure`` if given."""
        stored, history, lang, sink = turn.stored, turn.history, turn.lang, turn.sink
        follow_up = self._follow_up(turn.text, history)
        # The message as typed (the store keeps it redacted): «отделение на ул. Тверской, 15»
        # must reach retrieval and the model whole, within this turn only.
        question = KnowledgeQuestion(
            text=turn.text,
            search_query=spelling.normalize(f"{follow_up} {turn.text}".strip()),
            lang=lang,
            history=tuple(ChatTurn(m.role, m.text) for m in history),
            # Answered again from the cache only when the answer can depend on nothing but the
            # question: nothing personal was found in it, it borrows no earlier turn's words,
            # and it is not an account question's clarification.
            cacheable=unsure is None and not follow_up and stored.text == turn.text,
        )
        found: PassagesFound | None = None
        finished: AnswerFinished | None = None
        started = time.perf_counter()
        first_token: float | None = None
        try:
            async for event in self._knowledge.answer(question):
                if isinstance(event, PassagesFound):
                    found = event
                    self._observer.stage("retrieve", time.perf_counter() - started)
                elif isinstance(event, ModelQueued):
                    await sink.waiting(self._queue_notice(event, lang))
                elif isinstance(event, AnswerDelta):
                    if first_token is None:
                        first_token = time.perf_counter() - started
                    await sink.token(event.text)
                else:
                    finished = event
        except KnowledgeUnavailable:
            log.exception("knowledge base unavailable conversation=%s", stored.conversation_id)
            return await self.handoffs.open(turn, HandoffReason.KNOWLEDGE_UNAVAILABLE)
        except ModelBusy:
            log.warning("model busy conversation=%s", stored.conversation_id)
            return await self.handoffs.open(turn, HandoffReason.MODEL_BUSY, found)
        except ModelUnavailable as exc:
            log.warning("model unavailable conversation=%s: %s", stored.conversation_id, exc)
            return await self.handoffs.open(turn, HandoffReason.MODEL_UNAVAILABLE, found)
        self._observer.stage("answer", time.perf_counter() - started)
        outcome = _outcome(found, finished)
        if first_token is not None and outcome not in ("faq", "cache"):
            self._observer.stage("first_token", first_token)  # the model's, for its dashboards
        self._observer.knowledge(outcome)

        if found is None or not found.confident or finished is None:
            if unsure is None and len(turn.text.split()) <= _TOO_SHORT_TO_SEARCH:
                # A word or two the knowledge base does not place («кэшбэк?», «а это»): ask what
                # the customer means; a second miss in a row goes to a person.
                asked = self._texts.render("utter_clarify_nothing_pending", lang)
                return Reply(asked, Route.CLARIFY)
            query = question.search_query
            if unsure is None and not (mentions_banking(query) or addresses_the_bank(query)):
                # Nothing in the knowledge base and nothing about banking: out of scope, not a
                # question for an operator («переведи фразу», «сколько будет 2+2»).
                return Reply(self._texts.render("out_of_scope", lang), Route.OUT_OF_SCOPE)
            return unsure or await self.handoffs.open(turn, HandoffReason.LOW_CONFIDENCE, found)
        if finished.abstained:
            return unsure or await self.handoffs.open(turn, HandoffReason.MODEL_ABSTAINED, found)
        if not finished.grounded:
            return await self.handoffs.open(turn, HandoffReason.UNGROUNDED_ANSWER, found)
        return Reply(
            finished.text,
            Route.ANSWER,
            finished.cited,
            curated=finished.curated,
            quoted=finished.quoted,
            cached=finished.cached,
        )

    def _queue_notice(self, queued: ModelQueued, lang: Lang) -> str:
        minutes = max(1, math.ceil(queued.estimate_s / 60))
        return self._texts.render(
            "utter_model_queue", lang, position=queued.position, minutes=minutes
        )

    @staticmethod
    def _follow_up(text: str, history: list[StoredMessage]) -> str:
        """The previous question, when ``text`` continues it («а для пенсионеров?»); else ""."""
        previous = next((m.text for m in reversed(history) if m.role is Role.CUSTOMER), None)
        return previous if previous and is_follow_up(text) else ""

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._observer.stage(stage, time.perf_counter() - started)


_TOO_SHORT_TO_SEARCH = 2  # words: a message this short that finds nothing is asked about


def _outcome(found: PassagesFound | None, finished: AnswerFinished | None) -> str:
    """What became of a knowledge question, for the metrics (``EngineObserver.knowledge``)."""
    if found is None or not found.confident or finished is None:
        return "not_found"
    if finished.abstained:
        return "abstained"
    if not finished.grounded:
        return "ungrounded"
    if finished.cached:
        return "cache"
    if finished.curated:
        return "faq"
    return "quoted" if finished.quoted else "written"


def _without(situation: Situation, *, rating: bool = False, reopening: bool = False) -> Situation:
    """The situation once the store refused a rating or a reopening (someone was faster)."""
    assert situation.handoff is not None
    handoff = dataclasses.replace(
        situation.handoff,
        rating_open=situation.handoff.rating_open and not rating,
        reopenable=situation.handoff.reopenable and not reopening,
    )
    return dataclasses.replace(situation, handoff=handoff)


class _Classified:
    """The intent classifier's match for one message: asked for once, and only if the
    routing gets that far (it costs an embedding)."""

    def __init__(self, intents: IntentClassifier | None, text: str) -> None:
        self._intents = intents
        self._text = text
        self._asked = False
        self._match: IntentMatch | None = None

    @property
    def asked(self) -> bool:
        return self._asked

    def __call__(self) -> IntentMatch | None:
        if not self._asked and self._intents is not None:
            self._match = self._intents.classify(spelling.normalize(self._text))
        self._asked = True
        return self._match
