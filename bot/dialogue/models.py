"""The domain's own vocabulary: frozen dataclasses, no framework types."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from bot.dialogue.state import DialogueState

Lang = Literal["ru", "en"]


class Channel(StrEnum):
    WEBCHAT = "webchat"
    TELEGRAM = "telegram"
    EVAL = "eval"


class Role(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    OPERATOR = "operator"


class Route(StrEnum):
    ANSWER = "answer"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"
    HANDOFF = "handoff"
    AUTH_REQUIRED = "auth_required"
    ACTION = "action"
    CLARIFY = "clarify"
    OPERATOR = "operator"  # people have the conversation: the bot acknowledges or stays silent


class HandoffReason(StrEnum):
    """Why the bot gave the conversation to a person; a bounded set (metric label)."""

    CUSTOMER_REQUEST = "customer_request"
    LOW_CONFIDENCE = "low_confidence"
    MODEL_ABSTAINED = "model_abstained"
    UNGROUNDED_ANSWER = "ungrounded_answer"
    MODEL_UNAVAILABLE = "model_unavailable"
    MODEL_BUSY = "model_busy"  # the model's queue was full
    KNOWLEDGE_UNAVAILABLE = "knowledge_unavailable"
    CORE_UNAVAILABLE = "core_unavailable"
    COMPLAINT = "complaint"
    FRAUD = "fraud"
    REPEATED_FAILURE = "repeated_failure"


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


class HandoffStatus(StrEnum):
    """queued → assigned (an operator took it) → active (first operator reply) → resolved."""

    QUEUED = "queued"
    ASSIGNED = "assigned"
    ACTIVE = "active"
    RESOLVED = "resolved"

    @property
    def open(self) -> bool:
        return self is not HandoffStatus.RESOLVED

    @property
    def owned(self) -> bool:
        """A person owns the conversation: the bot does not answer."""
        return self in (HandoffStatus.ASSIGNED, HandoffStatus.ACTIVE)


class Resolution(StrEnum):
    RESOLVED = "resolved"  # the operator closed the customer's question
    HANDED_BACK = "handed_back"  # the operator gave the conversation back to the bot
    CALLBACK = "callback"  # nobody was free: the customer asked for a call back (a CRM ticket)
    EXPIRED = "expired"  # requested before there was a queue (migrated rows)


class SummarySource(StrEnum):
    MODEL = "model"
    EXTRACTIVE = "extractive"


class AuthMethod(StrEnum):
    WEB_TOKEN = "web_token"  # noqa: S105 - a label, not a secret
    PHONE_CODE = "phone_code"
    EVAL = "eval"


@dataclass(frozen=True, slots=True)
class Rate:
    """At most ``limit`` events in any ``window_s`` seconds."""

    limit: int
    window_s: float


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    conversation_id: str
    text: str
    channel: Channel = Channel.WEBCHAT
    lang: Lang | None = None  # None: detect from the text
    # Whether a phone in the text may start a login. Telegram says False for typed text: a
    # login there starts only from the customer's own shared contact (the review's M1).
    typed_phone_login: bool = True


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of a knowledge-base document, as retrieved for a question."""

    doc_id: str
    title: str
    text: str
    score: float
    section: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A document an answer drew on; ``version`` names the exact content (provenance)."""

    doc_id: str
    title: str
    section: str | None = None
    version: str | None = None
    url: str | None = None  # the document's public address (front matter), when it has one

    @classmethod
    def of(cls, passage: Passage) -> SourceRef:
        return cls(passage.doc_id, passage.title, passage.section)


@dataclass(frozen=True, slots=True)
class Button:
    """A quick reply: pressing it sends ``payload`` as the customer's next message."""

    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: str
    conversation_id: str
    role: Role
    text: str
    created_at: datetime
    route: Route | None = None
    sources: tuple[SourceRef, ...] = ()
    author: str | None = None  # the operator's display name, for operator messages
    buttons: tuple[Button, ...] = ()  # quick replies of a notice sent outside a turn
    feedback: bool | None = None  # the customer's 👍 (True) or 👎 (False) on a bot reply
    answered_by: str | None = None  # a knowledge answer: faq, cache, quoted or written


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation and who is in it.

    ``customer_id`` is set only by authentication (the bank's signed web token or a one-time
    code) and is valid until ``authenticated_until``; ``state`` holds the dialogue's pending
    steps (a login in progress, a card block awaiting confirmation) between messages.
    """

    id: str
    channel: Channel
    created_at: datetime
    lang: Lang | None = None
    customer_id: str | None = None
    authenticated_until: datetime | None = None
    state: DialogueState = field(default_factory=DialogueState)
    authenticated_at: datetime | None = None  # when the current customer's session began
    # The web chat's credential: the sha256 of the secret its client holds (never the secret)
    secret_digest: str | None = None

    def customer_at(self, moment: datetime) -> str | None:
        """The authenticated customer, or None when anonymous or the session has expired."""
        if self.customer_id and self.authenticated_until and moment < self.authenticated_until:
            return self.customer_id
        return None

    def readable_at(self, moment: datetime) -> Callable[[StoredMessage], bool]:
        """Which stored messages whoever holds the conversation at ``moment`` may read: a
        reply with a customer's account data (``Route.ACTION``) only from the current
        authenticated session, so after a logout on a shared device, or a session that
        expired, the next person sees none of the previous customer's balances."""
        since = self.authenticated_at if self.customer_at(moment) else None

        def readable(message: StoredMessage) -> bool:
            if message.route is not Route.ACTION:
                return True
            return since is not None and message.created_at >= since

        return readable


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    route: Route
    sources: tuple[SourceRef, ...] = ()
    handoff: HandoffReason | None = None
    message_id: str | None = None
    action: str | None = None
    buttons: tuple[Button, ...] = ()
    authenticated: bool = False  # the conversation has an authenticated customer after this
    curated: bool = False  # a curated FAQ answer, quoted without the language model
    quoted: bool = False  # a line of the knowledge base, quoted with its source
    cached: bool = False  # a knowledge answer given again from the answer cache

    @property
    def answered_by(self) -> str | None:
        """What gave a knowledge answer: ``cache``, ``faq``, ``quoted`` or ``written`` (the
        model); None for any other reply."""
        if self.route is not Route.ANSWER:
            return None
        if self.cached:
            return "cache"
        if self.curated:
            return "faq"
        return "quoted" if self.quoted else "written"


@dataclass(frozen=True, slots=True)
class HandoffRequest:
    conversation_id: str
    reason: HandoffReason
    summary: str
    trigger_message_id: str
    passages: tuple[Passage, ...] = field(default=())
    priority: Priority = Priority.NORMAL
    callback_offered: bool = False  # outside working hours: offered at once


@dataclass(frozen=True, slots=True)
class Handoff:
    """A conversation handed to people, through its lifecycle (``HandoffStatus``)."""

    id: str
    conversation_id: str
    reason: HandoffReason
    priority: Priority
    status: HandoffStatus
    summary: str
    summary_source: SummarySource
    created_at: datetime
    trigger_message_id: str | None = None
    passages: tuple[Passage, ...] = ()
    operator: str | None = None  # the login name of the operator who owns it
    assigned_at: datetime | None = None
    first_reply_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: Resolution | None = None
    callback_offered_at: datetime | None = None
    ticket_id: str | None = None
    csat: int | None = None


class HandoffEventKind(StrEnum):
    OPENED = "handoff_opened"
    UPDATED = "handoff_updated"
    MESSAGE = "message"


@dataclass(frozen=True, slots=True)
class HandoffEvent:
    """One change operators must see, in order; the console resumes from the last id it saw."""

    id: int
    kind: HandoffEventKind
    handoff_id: str
    conversation_id: str
    message_id: str | None = None
    at: datetime | None = None
    actor: str = "bot"  # bot | customer | system | the operator's login


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """An account intent recognised in a message (``action`` is an account action name).

    ``certain`` is False when the similarity is close but below the confidence threshold: the
    bot asks a clarifying question instead of guessing.
    """

    action: str
    score: float
    certain: bool = True


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One line of conversation history as the answering step sees it."""

    role: Role
    text: str


@dataclass(frozen=True, slots=True)
class KnowledgeQuestion:
    """What the knowledge base is asked: the customer's words plus their context."""

    text: str
    search_query: str
    lang: Lang
    history: tuple[ChatTurn, ...] = ()
    # The answer depends on the question alone (no personal data in it, not a follow-up of an
    # earlier turn): the knowledge base may answer it from, and keep it in, its answer cache.
    cacheable: bool = False


@dataclass(frozen=True, slots=True)
class PassagesFound:
    passages: tuple[Passage, ...]
    confident: bool


@dataclass(frozen=True, slots=True)
class ModelQueued:
    """The answer waits for a turn at the model: ``position`` 1 is next, in about
    ``estimate_s`` seconds."""

    position: int
    estimate_s: float


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    text: str


@dataclass(frozen=True, slots=True)
class AnswerFinished:
    text: str
    abstained: bool
    grounded: bool
    cited: tuple[SourceRef, ...]
    curated: bool = False  # a curated FAQ entry's answer: no model was asked
    quoted: bool = False  # a line of a passage, quoted: the model's draft failed or abstained
    cached: bool = False  # an earlier answer to the same question, from the answer cache


AnswerEvent = PassagesFound | ModelQueued | AnswerDelta | AnswerFinished


@dataclass(frozen=True, slots=True)
class ActionResponse:
    """One message an account action uttered: a template name and its structured values."""

    template: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an account action did: messages to render and dialogue slots to set (None clears)."""

    responses: tuple[ActionResponse, ...]
    slots: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """A bounded label for the audit log and metrics: the first response without ``utter_``."""
        return self.responses[0].template.removeprefix("utter_") if self.responses else "none"


@dataclass(frozen=True, slots=True)
class CodeSent:
    challenge_id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One call to the bank's core systems. No secrets, no full card or account numbers."""

    conversation_id: str
    customer_id: str | None
    action: str
    outcome: str
    latency_ms: float
    at: datetime | None = None

    @classmethod
    def since(
        cls,
        started: float,
        conversation_id: str,
        customer_id: str | None,
        action: str,
        outcome: str,
    ) -> AuditEntry:
        """The entry of a call that began at ``started`` (``time.perf_counter()``)."""
        latency_ms = (time.perf_counter() - started) * 1000
        return cls(conversation_id, customer_id, action, outcome, latency_ms)
