"""Ports: what the dialogue core needs from the outside world, as Protocols.

Adapters live elsewhere, in packages named for what they adapt, each with a fake or an
in-memory twin beside it: :mod:`bot.knowledge` (the knowledge base), :mod:`bot.banking`
(account actions, login, callbacks), :mod:`bot.intents`, :mod:`bot.operators.summary`,
:mod:`bot.storage` (the store); ``prompts`` holds the texts and each channel its reply sinks
(:mod:`bot.dialogue.sinks` has two for callers without a channel). ``tests/contract`` runs
the fakes of the knowledge base, the bank, the summarizer and the store through the same
suite as their real adapters. The guard's two ports have their in-memory implementations
here in the core (:mod:`bot.dialogue.locks`, :mod:`bot.dialogue.rate_limits`); several
replicas share the Redis ones in :mod:`bot.storage.redis`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from bot.dialogue.models import (
    ActionResult,
    AnswerEvent,
    AuditEntry,
    AuthMethod,
    Channel,
    ChatTurn,
    CodeSent,
    Conversation,
    Handoff,
    HandoffRequest,
    IntentMatch,
    KnowledgeQuestion,
    Lang,
    Rate,
    Reply,
    Role,
    Route,
    SourceRef,
    StoredMessage,
    SummarySource,
)
from bot.dialogue.state import DialogueState


class KnowledgeBase(Protocol):
    """Answers a question from the bank's documents, streaming.

    Yields exactly one :class:`PassagesFound`, then (only when confident) a
    :class:`ModelQueued` each time the answer's place in the model's queue changes, zero or more
    :class:`AnswerDelta`, then one :class:`AnswerFinished`. Raises
    :class:`bot.dialogue.errors.KnowledgeUnavailable` or
    :class:`bot.dialogue.errors.ModelUnavailable` when a backend fails.
    """

    def answer(self, question: KnowledgeQuestion) -> AsyncIterator[AnswerEvent]: ...


class HandoffLog(Protocol):
    """Handoffs as the dialogue records them; each change also goes to the operators' feed."""

    async def add_handoff(self, request: HandoffRequest) -> Handoff: ...

    async def current_handoff(self, conversation_id: str) -> Handoff | None:
        """The conversation's latest handoff, in whatever state it is."""

    async def list_handoffs(self, conversation_id: str) -> list[Handoff]: ...

    async def note_message(self, handoff: Handoff, message_id: str, actor: str) -> None:
        """A message of a conversation people own: operators see it live."""

    async def reopen_handoff(self, handoff_id: str) -> Handoff | None: ...

    async def set_summary(self, handoff_id: str, summary: str, source: SummarySource) -> None: ...

    async def rate_handoff(self, handoff_id: str, score: int) -> bool:
        """The customer's CSAT (1–5) after resolution; False if already rated or not resolved."""

    async def offer_callback(self, handoff_id: str) -> Handoff | None:
        """Mark a queued handoff as offered a callback; None when it is no longer queued."""

    async def close_with_callback(self, handoff_id: str, ticket_id: str) -> Handoff | None:
        """Resolve a still-queued handoff by a callback ticket; None when someone took it."""


class ConversationStore(HandoffLog, Protocol):
    async def create_conversation(
        self, channel: Channel, lang: Lang | None = None, *, secret_digest: str | None = None
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
        author: str | None = None,
        answered_by: str | None = None,
    ) -> StoredMessage: ...

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]: ...

    async def set_customer(
        self,
        conversation_id: str,
        customer_id: str | None,
        until: datetime | None,
        method: AuthMethod | None,
    ) -> None:
        """Bind the conversation to an authenticated customer (None: anonymous again); the
        store records when, by its own clock (the one its messages are stamped with), as
        ``Conversation.authenticated_at``."""

    async def set_state(self, conversation_id: str, state: DialogueState) -> None:
        """Replace what the conversation remembers between messages."""

    async def add_audit(self, entry: AuditEntry) -> None: ...

    async def seal_message(self, message_id: str, sealed: str) -> None:
        """Keep a customer message's text as typed, encrypted (``Sealer``), beside it."""

    async def sealed_texts(self, conversation_id: str) -> dict[str, str]:
        """The sealed texts of the conversation's messages, by message id."""

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

    async def waiting(self, notice: str) -> None:
        """The reply waits for the model: ``notice`` tells the customer their place and an
        estimate (it may be ignored by the channel; the reply supersedes it)."""

    async def reply(self, reply: Reply) -> None:
        """The final reply; its text supersedes the streamed tokens."""


class IntentClassifier(Protocol):
    """Recognises account intents («какой у меня баланс?»); None for anything else."""

    def classify(self, text: str) -> IntentMatch | None: ...


class TextCatalog(Protocol):
    """User-visible texts, per language, rendered strictly."""

    def render(self, name: str, lang: Lang, /, **values: object) -> str: ...


class AuditLog(Protocol):
    """Where every call to the bank's core systems is recorded (no secrets, no full numbers)."""

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


class Summarizer(Protocol):
    """Writes the operator's summary of a conversation (the local model); raises on failure."""

    async def summarize(self, turns: Sequence[ChatTurn], lang: Lang) -> str: ...


class CallbackDesk(Protocol):
    """Opens a callback request in the bank's CRM for an authenticated customer.

    Raises :class:`bot.dialogue.errors.CoreUnavailable` when the CRM cannot take it.
    """

    async def request_callback(
        self, *, customer_id: str, handoff_id: str, summary: str, urgent: bool
    ) -> str:
        """The CRM ticket id."""


class ConversationLocks(Protocol):
    """One holder at a time per key (a conversation id): a conversation's messages are
    handled one by one, in arrival order, and a lock is released however its holder ends."""

    def hold(self, key: str) -> AbstractAsyncContextManager[None]: ...


class Sealer(Protocol):
    """Encrypts the message as typed, for banks that must keep it (``bot.privacy``)."""

    def seal(self, text: str) -> str: ...


class Redactor(Protocol):
    """Replaces personal data in text before it is stored or sent to staff
    (``bot.privacy``); the model sees the original only within its turn."""

    async def redact(self, text: str) -> str: ...


class RateLimiter(Protocol):
    """Counts events per key in a sliding window."""

    async def hit(self, key: str, rate: Rate) -> float:
        """Count one event for ``key``: 0 when ``rate`` allows it, else the seconds until it
        would (a refused event is not counted)."""
