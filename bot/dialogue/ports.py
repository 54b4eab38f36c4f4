"""Ports: what the dialogue core needs from the outside world, as Protocols.

Adapters live elsewhere (``rag`` for the knowledge base, ``bot.storage`` for the store,
``prompts`` for texts, channels for reply sinks); each has an in-memory fake beside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from bot.dialogue.models import (
    ActionResult,
    AnswerEvent,
    AuditEntry,
    AuthMethod,
    Channel,
    CodeSent,
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

    async def set_customer(
        self,
        conversation_id: str,
        customer_id: str | None,
        until: datetime | None,
        method: AuthMethod | None,
    ) -> None:
        """Bind the conversation to an authenticated customer (None: anonymous again)."""

    async def set_state(self, conversation_id: str, state: Mapping[str, str]) -> None:
        """Replace the conversation's pending dialogue state."""

    async def add_audit(self, entry: AuditEntry) -> None: ...

    async def set_feedback(self, conversation_id: str, message_id: str, positive: bool) -> bool:
        """👍/👎 on a bot message of this conversation; False when there is no such message."""

    async def claim_token(self, token_id: str, expires_at: datetime) -> bool:
        """Record a one-time web token id; False when it was already used (a replay)."""


class ReplySink(Protocol):
    """Where a reply goes: a WebSocket, an HTTP response, a Telegram message."""

    async def accepted(self, message_id: str) -> None:
        """The customer's message is stored; processing starts."""

    async def token(self, text: str) -> None:
        """A piece of the reply as it is generated (may be ignored by the channel)."""

    async def reply(self, reply: Reply) -> None:
        """The final reply; its text supersedes the streamed tokens."""


class DiscardingSink:
    """A ReplySink for callers that only need the returned Reply (evaluation, channels that
    send the whole reply at once)."""

    async def accepted(self, message_id: str) -> None:
        pass

    async def token(self, text: str) -> None:
        pass

    async def reply(self, reply: Reply) -> None:
        pass


class IntentClassifier(Protocol):
    """Recognises account intents («какой у меня баланс?»); None for anything else."""

    def classify(self, text: str) -> IntentMatch | None: ...


class TextCatalog(Protocol):
    """User-visible texts, per language, rendered strictly."""

    def render(self, name: str, lang: Lang, /, **values: object) -> str: ...


class AuditTrail(Protocol):
    async def add_audit(self, entry: AuditEntry) -> None: ...


class AccountActions(Protocol):
    """Runs an account action (``check_balance``…) for an authenticated customer.

    ``customer_id`` comes from the authenticated session only. Raises
    :class:`bot.dialogue.errors.CoreUnavailable` when the bank's systems cannot answer.
    """

    async def run(
        self,
        action: str,
        *,
        conversation_id: str,
        customer_id: str,
        slots: Mapping[str, str | None],
    ) -> ActionResult: ...


class Authenticator(Protocol):
    """Phone + one-time code, against the bank's own OTP service.

    Raises the :class:`bot.dialogue.errors.AuthError` subclasses, or ``CoreUnavailable``.
    """

    async def send_code(self, phone: str) -> CodeSent: ...

    async def verify_code(self, challenge_id: str, code: str) -> str:
        """The id of the customer the code proves."""
