"""DialogueEngine: one customer message in, one reply out (streamed through a sink)."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.dialogue import account_rules, escalation, spelling
from bot.dialogue.accounts import ACCOUNT_ACTIONS, REQUEST_CALLBACK, AccountDesk
from bot.dialogue.errors import (
    ConversationNotFound,
    CoreUnavailable,
    DialogueError,
    InvalidMessage,
    KnowledgeUnavailable,
    ModelUnavailable,
)
from bot.dialogue.handoff import HandoffFlow, HandoffPolicy
from bot.dialogue.language import detect_language
from bot.dialogue.login import Login
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
    PassagesFound,
    Reply,
    Role,
    Route,
    StoredMessage,
)
from bot.dialogue.ports import (
    AccountActions,
    Authenticator,
    CallbackDesk,
    ConversationStore,
    IntentClassifier,
    KnowledgeBase,
    ReplySink,
    Summarizer,
    TextCatalog,
)
from bot.dialogue.routing import Intent, is_follow_up, route_message
from bot.dialogue.serial import KeyedLock
from bot.dialogue.state import ChooseCard, ConfirmBlock
from bot.dialogue.turn import AuditRecorder, EngineObserver, NullObserver, Turn

__all__ = ["DialogueEngine", "EngineObserver", "EnginePolicy", "HandoffPolicy"]

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class EnginePolicy:
    max_message_chars: int = 4000
    history_turns: int = 6
    default_language: Lang = "ru"
    session_ttl_s: float = 900.0
    max_code_failures: int = 5
    handoff: HandoffPolicy = field(default_factory=HandoffPolicy)


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
    ) -> None:
        self._intents = intents
        self._clock = clock or (lambda: datetime.now(UTC))
        self._serial = KeyedLock()
        policy = policy or EnginePolicy()
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
            )
            if authenticator is not None
            else None
        )
        self._store = store
        self._knowledge = knowledge
        self._texts = texts
        self._policy = policy

    async def aclose(self) -> None:
        """Stop background work (summaries being written)."""
        await self.handoffs.aclose()

    async def start_conversation(
        self, channel: Channel = Channel.WEBCHAT, lang: Lang | None = None
    ) -> Conversation:
        return await self._store.create_conversation(channel, lang)

    async def conversation(self, conversation_id: str) -> Conversation:
        conversation = await self._store.get_conversation(conversation_id)
        if conversation is None:
            raise ConversationNotFound(conversation_id)
        return conversation

    async def transcript(self, conversation_id: str) -> list[StoredMessage]:
        await self.conversation(conversation_id)
        return await self._store.list_messages(conversation_id)

    def validate(self, text: str) -> str:
        """The message as it will be processed, or InvalidMessage with a reason code.

        Control characters (NUL and the like, never typed by a person) are dropped: databases
        reject some of them, and the rest of the message must still be stored.
        """
        stripped = _CONTROL.sub("", text).strip()
        if not stripped:
            raise InvalidMessage("empty")
        if len(stripped) > self._policy.max_message_chars:
            raise InvalidMessage("too_long", limit=self._policy.max_message_chars)
        return stripped

    async def authenticate(
        self, conversation_id: str, customer_id: str, method: AuthMethod
    ) -> datetime:
        """Bind the conversation to a customer the channel has verified (the bank's web token,
        an evaluation case); returns when the session expires."""
        await self.conversation(conversation_id)
        async with self._serial.hold(conversation_id):
            if self._login is None:
                raise DialogueError("authentication is not configured")
            return await self._login.authenticate(conversation_id, customer_id, method)

    async def logout(self, conversation_id: str) -> None:
        conversation = await self.conversation(conversation_id)
        async with self._serial.hold(conversation_id):
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
        """Messages of one conversation are handled one at a time, in arrival order."""
        text = self.validate(message.text)
        async with self._serial.hold(message.conversation_id):  # taken before any await
            return await self._handle(message, text, sink)

    async def _handle(self, message: IncomingMessage, text: str, sink: ReplySink) -> Reply:
        started = time.perf_counter()
        conversation = await self.conversation(message.conversation_id)
        customer = conversation.customer_at(self._clock())
        expired = conversation.customer_id is not None and customer is None
        if expired:
            await self._store.set_customer(conversation.id, None, None, None)
        state = conversation.state
        history = await self._store.list_messages(
            message.conversation_id, limit=self._policy.history_turns * 2
        )
        handoff = await self._store.current_handoff(conversation.id)
        with self._timed("store"):
            stored = await self._store.add_message(
                message.conversation_id, Role.CUSTOMER, Login.masked(text, state)
            )
        await sink.accepted(stored.id)
        previous = next((m.text for m in reversed(history) if m.role is Role.CUSTOMER), "")
        fallback = detect_language(previous, self._policy.default_language)
        lang = message.lang or conversation.lang or detect_language(text, fallback)
        turn = Turn(
            conversation.id, stored, history, text, lang, customer, expired, state, sink, handoff
        )
        try:
            reply = await self.handoffs.intercept(turn, handoff) if handoff else None
            if reply is None:
                reply = await self._count_failures(turn, await self._respond(turn))
        except CoreUnavailable:
            reply = await self._handoff(turn, HandoffReason.CORE_UNAVAILABLE)
        if turn.state != conversation.state:
            await self._store.set_state(conversation.id, turn.state)

        if reply.text:  # silent while an operator owns the conversation
            bot_message = await self._store.add_message(
                message.conversation_id,
                Role.BOT,
                reply.text,
                route=reply.route,
                sources=reply.sources,
            )
            reply = dataclasses.replace(reply, message_id=bot_message.id)
        reply = dataclasses.replace(reply, authenticated=turn.customer is not None)
        self._observer.routed(reply.route)
        self._observer.stage("total", time.perf_counter() - started)
        await sink.reply(reply)
        return reply

    async def _count_failures(self, turn: Turn, reply: Reply) -> Reply:
        """Two failed answers in a row (a clarifying question, «не помогло») go to a person."""
        failed = reply.route is Route.CLARIFY or (
            reply.route is not Route.HANDOFF and escalation.says_not_helped(turn.text)
        )
        if not failed:
            turn.state = turn.state.with_failed_turns(0)
            return reply
        count = turn.state.failed_turns + 1
        if count < self._policy.handoff.failed_turns_limit:
            turn.state = turn.state.with_failed_turns(count)
            return reply
        turn.state = turn.state.with_failed_turns(0)
        return await self._handoff(turn, HandoffReason.REPEATED_FAILURE)

    async def _respond(self, turn: Turn) -> Reply:
        text, lang = turn.text, turn.lang
        pending = await self._pending_step(turn)
        if pending is not None:
            return pending
        if turn.customer is None and self._login is not None:
            phone = account_rules.extract_phone(text)
            if phone and account_rules.is_mostly_phone(text):
                reply, turn.state = await self._login.send_code(
                    turn.conversation_id, phone, turn.state, lang
                )
                return reply

        if account_rules.extract_code(text) and len(text.strip()) <= 12:
            if turn.customer is None:  # a code with no login in progress
                return Reply(
                    self._texts.render("utter_code_without_login", lang), Route.AUTH_REQUIRED
                )
            return Reply(self._texts.render("utter_clarify_nothing_pending", lang), Route.CLARIFY)

        routing = route_message(text)
        chosen = account_rules.command(text)
        searchable = spelling.normalize(text)
        account = self._intents.classify(searchable) if self._intents is not None else None
        if chosen in ACCOUNT_ACTIONS:
            account = IntentMatch(chosen, 1.0)
        log.info(
            "message conversation=%s message=%s intent=%s rule=%s action=%s certain=%s lang=%s",
            turn.conversation_id,
            turn.stored.id,
            routing.intent,
            routing.rule,
            account.action if account else None,
            account.certain if account else None,
            lang,
        )
        if routing.intent is Intent.HUMAN_REQUEST:
            return await self._handoff(turn, HandoffReason.CUSTOMER_REQUEST)
        concern = self._concern(text)
        if concern is not None:
            return await self._handoff(turn, concern)
        if chosen == REQUEST_CALLBACK:
            return await self._account(turn, REQUEST_CALLBACK)
        if routing.intent is Intent.GREETING:
            return Reply(self._texts.render("greeting", lang), Route.SMALLTALK)
        if routing.intent is Intent.THANKS:
            return Reply(self._texts.render("thanks", lang), Route.SMALLTALK)
        if routing.intent is Intent.OUT_OF_SCOPE:
            return Reply(self._texts.render("out_of_scope", lang), Route.OUT_OF_SCOPE)
        if account_rules.asks_operation(text):
            return Reply(self._texts.render("utter_cannot_do_operations", lang), Route.OUT_OF_SCOPE)
        if account_rules.names_third_party(text, account_question=account is not None):
            return Reply(self._texts.render("utter_only_own_data", lang), Route.OUT_OF_SCOPE)
        if account is not None and account.certain:
            return await self._account(turn, account.action)
        if account_rules.yes_no(text) is not None:
            return Reply(self._texts.render("utter_clarify_nothing_pending", lang), Route.CLARIFY)
        if account is not None and self._accounts is not None:
            # Maybe their own account, maybe the bank's rules: answer from the knowledge base
            # when it can, and offer the account action as a button; ask when it cannot.
            buttons = self._accounts.clarify_buttons((account.action,), lang)
            text_out = self._texts.render("utter_clarify_intent", lang, action=account.action)
            unsure = Reply(text_out, Route.CLARIFY, buttons=buttons)
            answer = await self._answer(turn, unsure=unsure)
            return dataclasses.replace(answer, buttons=buttons)
        return await self._answer(turn)

    def _concern(self, text: str) -> HandoffReason | None:
        policy = self._policy.handoff
        concern = escalation.detect_concern(text)
        if concern is escalation.Concern.FRAUD and policy.escalate_fraud:
            return HandoffReason.FRAUD
        if concern is escalation.Concern.COMPLAINT and policy.escalate_complaints:
            return HandoffReason.COMPLAINT
        return None

    async def _pending_step(self, turn: Turn) -> Reply | None:
        """A step the conversation is waiting for: a block confirmation, a card, a code."""
        text, lang = turn.text, turn.lang
        step = turn.state.step
        if isinstance(step, ConfirmBlock):
            answer = account_rules.yes_no(text)
            if answer is None:  # the customer moved on; never block later by surprise
                turn.state = turn.state.step_ended()
            elif turn.customer is None or self._accounts is None:
                turn.state = turn.state.step_ended()
                return self._auth_required(turn)
            elif not answer:
                turn.state = turn.state.step_ended()
                return Reply(
                    self._texts.render("utter_block_cancelled", lang),
                    Route.ACTION,
                    action="block_card",
                )
            else:
                return await self._account(turn, "block_card", confirmed=True)
        if isinstance(step, ChooseCard):
            digits = account_rules.card_digits(text)
            turn.state = turn.state.step_ended()
            if digits and turn.customer is not None and len(text) <= 40:
                return await self._account(turn, step.action, card_last4=digits)
        if self._login is not None and turn.state.awaiting_code is not None:
            code = account_rules.extract_code(text)
            if code is not None:
                attempt = await self._login.verify(turn.conversation_id, code, turn.state, lang)
                turn.state = attempt.state
                turn.customer = attempt.customer_id or turn.customer
                action, after = turn.state.take_action()
                if attempt.customer_id is None or action is None:
                    return attempt.reply
                turn.state = after
                then = await self._account(turn, action)
                return dataclasses.replace(then, text=f"{attempt.reply.text}\n\n{then.text}")
        return None

    async def _account(
        self,
        turn: Turn,
        action: str,
        *,
        card_last4: str | None = None,
        confirmed: bool = False,
    ) -> Reply:
        if turn.customer is None or (self._accounts is None and action in ACCOUNT_ACTIONS):
            turn.state = turn.state.remembering(action)
            if action == REQUEST_CALLBACK and not turn.expired:
                text = self._texts.render("utter_callback_login", turn.lang)
                return Reply(text, Route.AUTH_REQUIRED)
            return self._auth_required(turn)
        if action == REQUEST_CALLBACK:
            return await self.handoffs.callback(turn)
        assert self._accounts is not None
        if card_last4 is None and action in ("block_card", "card_status"):
            card_last4 = account_rules.card_digits(turn.text)
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
            return await self._handoff(turn, HandoffReason.CORE_UNAVAILABLE, action=action)
        turn.state = turn.state.with_step(outcome.step)
        return outcome.reply

    def _auth_required(self, turn: Turn) -> Reply:
        name = "utter_session_expired" if turn.expired else "utter_auth_required"
        return Reply(self._texts.render(name, turn.lang), Route.AUTH_REQUIRED)

    async def _answer(self, turn: Turn, unsure: Reply | None = None) -> Reply:
        """The knowledge base's answer; a handoff when it is unsure, or ``unsure`` if given."""
        stored, history, lang, sink = turn.stored, turn.history, turn.lang, turn.sink
        question = KnowledgeQuestion(
            text=stored.text,
            search_query=self._search_query(stored.text, history),
            lang=lang,
            history=tuple(ChatTurn(m.role, m.text) for m in history),
        )
        found: PassagesFound | None = None
        finished: AnswerFinished | None = None
        started = time.perf_counter()
        first_token = True
        try:
            async for event in self._knowledge.answer(question):
                if isinstance(event, PassagesFound):
                    found = event
                    self._observer.stage("retrieve", time.perf_counter() - started)
                elif isinstance(event, AnswerDelta):
                    if first_token:
                        first_token = False
                        self._observer.stage("first_token", time.perf_counter() - started)
                    await sink.token(event.text)
                else:
                    finished = event
        except KnowledgeUnavailable:
            log.exception("knowledge base unavailable conversation=%s", stored.conversation_id)
            return await self._handoff(turn, HandoffReason.KNOWLEDGE_UNAVAILABLE)
        except ModelUnavailable as exc:
            log.warning("model unavailable conversation=%s: %s", stored.conversation_id, exc)
            return await self._handoff(turn, HandoffReason.MODEL_UNAVAILABLE, found)
        self._observer.stage("answer", time.perf_counter() - started)

        if found is None or not found.confident or finished is None:
            return unsure or await self._handoff(turn, HandoffReason.LOW_CONFIDENCE, found)
        if finished.abstained:
            return unsure or await self._handoff(turn, HandoffReason.MODEL_ABSTAINED, found)
        if not finished.grounded:
            return await self._handoff(turn, HandoffReason.UNGROUNDED_ANSWER, found)
        return Reply(finished.text, Route.ANSWER, finished.cited, curated=finished.curated)

    def _search_query(self, text: str, history: list[StoredMessage]) -> str:
        """Retrieval needs the topic (a follow-up borrows the previous question's words) and
        the knowledge base's spelling («кридитке» → «кредитной карте»)."""
        previous = next((m.text for m in reversed(history) if m.role is Role.CUSTOMER), None)
        if previous and is_follow_up(text):
            return spelling.normalize(f"{previous} {text}")
        return spelling.normalize(text)

    async def _handoff(
        self,
        turn: Turn,
        reason: HandoffReason,
        found: PassagesFound | None = None,
        *,
        action: str | None = None,
    ) -> Reply:
        return await self.handoffs.open(turn, reason, found, action=action)

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._observer.stage(stage, time.perf_counter() - started)
