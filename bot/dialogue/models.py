"""The domain's own vocabulary: frozen dataclasses, no framework types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

Lang = Literal["ru", "en"]


class Channel(StrEnum):
    WEBCHAT = "webchat"
    TELEGRAM = "telegram"
    EVAL = "eval"


class Role(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"


class Route(StrEnum):
    ANSWER = "answer"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"
    HANDOFF = "handoff"
    AUTH_REQUIRED = "auth_required"


class HandoffReason(StrEnum):
    """Why the bot gave the conversation to a person; a bounded set (metric label)."""

    CUSTOMER_REQUEST = "customer_request"
    LOW_CONFIDENCE = "low_confidence"
    MODEL_ABSTAINED = "model_abstained"
    UNGROUNDED_ANSWER = "ungrounded_answer"
    MODEL_UNAVAILABLE = "model_unavailable"
    KNOWLEDGE_UNAVAILABLE = "knowledge_unavailable"


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    conversation_id: str
    text: str
    channel: Channel = Channel.WEBCHAT
    lang: Lang | None = None  # None: detect from the text


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
    doc_id: str
    title: str
    section: str | None = None

    @classmethod
    def of(cls, passage: Passage) -> SourceRef:
        return cls(passage.doc_id, passage.title, passage.section)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: str
    conversation_id: str
    role: Role
    text: str
    created_at: datetime
    route: Route | None = None
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    channel: Channel
    created_at: datetime
    lang: Lang | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    route: Route
    sources: tuple[SourceRef, ...] = ()
    handoff: HandoffReason | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class HandoffRequest:
    conversation_id: str
    reason: HandoffReason
    summary: str
    trigger_message_id: str
    passages: tuple[SourceRef, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """An account intent recognised in a message (``action`` is an account action name)."""

    action: str
    score: float


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


@dataclass(frozen=True, slots=True)
class PassagesFound:
    passages: tuple[Passage, ...]
    confident: bool


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    text: str


@dataclass(frozen=True, slots=True)
class AnswerFinished:
    text: str
    abstained: bool
    grounded: bool
    cited: tuple[SourceRef, ...]


AnswerEvent = PassagesFound | AnswerDelta | AnswerFinished
