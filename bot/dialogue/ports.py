"""Ports: what the dialogue core needs from the outside world, as Protocols.

Adapters live elsewhere (``rag`` for the knowledge base, ``bot.storage`` for the store,
``prompts`` for texts, channels for reply sinks); each has an in-memory fake beside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from bot.dialogue.models import (
    AnswerEvent,
    Channel,
    Conversation,
    HandoffRequest,
    IntentMatch,
    KnowledgeQuestion,
    Lang,
    Reply,
    Role,
    Route,
    SourceRef,
    StoredMessage,
)


class KnowledgeBase(Protocol):
    """Answers a question from the bank's documents, streaming.

    Yields exactly one :class:`PassagesFound`, then (only when confident) zero or more
    :class:`AnswerDelta`, then one :class:`AnswerFinished`. Raises
    :class:`bot.dialogue.errors.KnowledgeUnavailable` or
    :class:`bot.dialogue.errors.ModelUnavailable` when a backend fails.
    """

    def answer(self, question: KnowledgeQuestion) -> AsyncIterator[AnswerEvent]: ...


class ConversationStore(Protocol):
    async def create_conversation(
        self, channel: Channel, lang: Lang | None = None
    ) -> Conversation: ...

    async def get_conversation(self, conversation_id: str) -> Conversation | None: ...

    async def add_message(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        *,
        route: Route | None = None,
        sources: Sequence[SourceRef] = (),
    ) -> StoredMessage: ...

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]: ...

    async def add_handoff(self, request: HandoffRequest) -> str: ...

    async def list_handoffs(self, conversation_id: str) -> list[HandoffRequest]: ...


class ReplySink(Protocol):
    """Where a reply goes: a WebSocket, an HTTP response, a Telegram message."""

    async def accepted(self, message_id: str) -> None:
        """The customer's message is stored; processing starts."""

    async def token(self, text: str) -> None:
        """A piece of the reply as it is generated (may be ignored by the channel)."""

    async def reply(self, reply: Reply) -> None:
        """The final reply; its text supersedes the streamed tokens."""


class IntentClassifier(Protocol):
    """Recognises account intents («какой у меня баланс?»); None for anything else."""

    def classify(self, text: str) -> IntentMatch | None: ...


class TextCatalog(Protocol):
    """User-visible texts, per language, rendered strictly."""

    def render(self, name: str, lang: Lang, /, **values: object) -> str: ...
