"""DialogueEngine: one customer message in, one reply out (streamed through a sink)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from bot.dialogue.errors import (
    ConversationNotFound,
    InvalidMessage,
    KnowledgeUnavailable,
    ModelUnavailable,
)
from bot.dialogue.language import detect_language
from bot.dialogue.models import (
    AnswerDelta,
    AnswerFinished,
    Channel,
    ChatTurn,
    Conversation,
    HandoffReason,
    HandoffRequest,
    IncomingMessage,
    KnowledgeQuestion,
    Lang,
    PassagesFound,
    Reply,
    Role,
    Route,
    SourceRef,
    StoredMessage,
)
from bot.dialogue.ports import (
    ConversationStore,
    IntentClassifier,
    KnowledgeBase,
    ReplySink,
    TextCatalog,
)
from bot.dialogue.routing import Intent, is_follow_up, route_message

log = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class EnginePolicy:
    max_message_chars: int = 4000
    history_turns: int = 6
    default_language: Lang = "ru"
    summary_chars: int = 600


class EngineObserver(Protocol):
    """Metrics hook; implementations must record no personal data."""

    def stage(self, name: str, seconds: float) -> None: ...

    def routed(self, route: Route) -> None: ...

    def handoff(self, reason: HandoffReason) -> None: ...


class _NullObserver:
    def stage(self, name: str, seconds: float) -> None:
        pass

    def routed(self, route: Route) -> None:
        pass

    def handoff(self, reason: HandoffReason) -> None:
        pass


class DialogueEngine:
    def __init__(
        self,
        store: ConversationStore,
        knowledge: KnowledgeBase,
        texts: TextCatalog,
        policy: EnginePolicy | None = None,
        observer: EngineObserver | None = None,
        intents: IntentClassifier | None = None,
    ) -> None:
        self._intents = intents
        self._store = store
        self._knowledge = knowledge
        self._texts = texts
        self._policy = policy or EnginePolicy()
        self._observer: EngineObserver = observer or _NullObserver()

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
            raise InvalidMessage("too_long")
        return stripped

    async def handle(self, message: IncomingMessage, sink: ReplySink) -> Reply:
        started = time.perf_counter()
        text = self.validate(message.text)
        await self.conversation(message.conversation_id)
        history = await self._store.list_messages(
            message.conversation_id, limit=self._policy.history_turns * 2
        )
        with self._timed("store"):
            stored = await self._store.add_message(message.conversation_id, Role.CUSTOMER, text)
        await sink.accepted(stored.id)
        lang = message.lang or detect_language(text, self._policy.default_language)

        routing = route_message(text)
        account = None
        if routing.intent is Intent.KNOWLEDGE and self._intents is not None:
            account = self._intents.classify(text)
        log.info(
            "message conversation=%s message=%s intent=%s rule=%s action=%s lang=%s",
            message.conversation_id,
            stored.id,
            routing.intent,
            routing.rule,
            account.action if account else None,
            lang,
        )
        if routing.intent is Intent.GREETING:
            reply = Reply(self._texts.render("greeting", lang), Route.SMALLTALK)
        elif routing.intent is Intent.THANKS:
            reply = Reply(self._texts.render("thanks", lang), Route.SMALLTALK)
        elif routing.intent is Intent.OUT_OF_SCOPE:
            reply = Reply(self._texts.render("out_of_scope", lang), Route.OUT_OF_SCOPE)
        elif routing.intent is Intent.HUMAN_REQUEST:
            reply = await self._handoff(stored, history, HandoffReason.CUSTOMER_REQUEST, lang)
        elif account is not None:
            # Account data only for an authenticated customer. Authentication (the bank's
            # signed web token, phone + one-time code) is the next step of the account
            # issue; until a conversation can carry a customer, every visitor is anonymous.
            reply = Reply(self._texts.render("utter_auth_required", lang), Route.AUTH_REQUIRED)
        else:
            reply = await self._answer(stored, history, lang, sink)

        bot_message = await self._store.add_message(
            message.conversation_id, Role.BOT, reply.text, route=reply.route, sources=reply.sources
        )
        reply = Reply(reply.text, reply.route, reply.sources, reply.handoff, bot_message.id)
        self._observer.routed(reply.route)
        self._observer.stage("total", time.perf_counter() - started)
        await sink.reply(reply)
        return reply

    async def _answer(
        self, stored: StoredMessage, history: list[StoredMessage], lang: Lang, sink: ReplySink
    ) -> Reply:
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
            return await self._handoff(stored, history, HandoffReason.KNOWLEDGE_UNAVAILABLE, lang)
        except ModelUnavailable as exc:
            log.warning("model unavailable conversation=%s: %s", stored.conversation_id, exc)
            return await self._handoff(
                stored, history, HandoffReason.MODEL_UNAVAILABLE, lang, found
            )
        self._observer.stage("answer", time.perf_counter() - started)

        if found is None or not found.confident or finished is None:
            return await self._handoff(stored, history, HandoffReason.LOW_CONFIDENCE, lang, found)
        if finished.abstained:
            return await self._handoff(stored, history, HandoffReason.MODEL_ABSTAINED, lang, found)
        if not finished.grounded:
            return await self._handoff(
                stored, history, HandoffReason.UNGROUNDED_ANSWER, lang, found
            )
        return Reply(finished.text, Route.ANSWER, finished.cited)

    def _search_query(self, text: str, history: list[StoredMessage]) -> str:
        """Retrieval needs the topic: a follow-up borrows the previous question's words."""
        previous = next((m.text for m in reversed(history) if m.role is Role.CUSTOMER), None)
        if previous and is_follow_up(text):
            return f"{previous} {text}"
        return text

    async def _handoff(
        self,
        stored: StoredMessage,
        history: list[StoredMessage],
        reason: HandoffReason,
        lang: Lang,
        found: PassagesFound | None = None,
    ) -> Reply:
        passages = tuple(SourceRef.of(p) for p in found.passages) if found else ()
        request = HandoffRequest(
            conversation_id=stored.conversation_id,
            reason=reason,
            summary=self._summary([*history, stored]),
            trigger_message_id=stored.id,
            passages=passages,
        )
        handoff_id = await self._store.add_handoff(request)
        self._observer.handoff(reason)
        log.info(
            "handoff conversation=%s handoff=%s reason=%s",
            stored.conversation_id,
            handoff_id,
            reason,
        )
        text_name = "model_unavailable" if reason is HandoffReason.MODEL_UNAVAILABLE else "handoff"
        return Reply(self._texts.render(text_name, lang), Route.HANDOFF, handoff=reason)

    def _summary(self, messages: list[StoredMessage]) -> str:
        """An extractive summary for the operator: the customer's recent words, newest last."""
        lines = [f"- {m.text}" for m in messages if m.role is Role.CUSTOMER]
        summary = "\n".join(lines[-4:])
        limit = self._policy.summary_chars
        return summary if len(summary) <= limit else "…" + summary[-limit:]

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._observer.stage(stage, time.perf_counter() - started)
