"""The gateway's records: client keys and their limits, upstreams, a route decision, and the
audit row of one call (counts and names only: never a message's text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# The model names the gateway itself answers to, beside the upstreams' own.
LOCAL_MODEL = "perimeter"  # the bank's local model (the assistant's own), routed by the rules
KNOWLEDGE_MODEL = "perimeter-kb"  # answers from the knowledge base, with its sources
ALL_MODELS = "*"


class Zone(StrEnum):
    PRIVATE = "private"  # inside the bank's perimeter: personal data may go there
    EXTERNAL = "external"  # outside it: only requests proven free of personal data


class Capability(StrEnum):
    LONG_CONTEXT = "long_context"  # prefer the upstream with the longest context


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    """What a client system's key may do."""

    models: tuple[str, ...] = (ALL_MODELS,)
    requests_per_minute: int = 60
    tokens_per_day: int = 200_000
    capabilities: tuple[Capability, ...] = ()

    def allows(self, model: str) -> bool:
        return ALL_MODELS in self.models or model in self.models


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A client system's key as stored: its hash, never the key."""

    id: str
    name: str
    prefix: str  # the key's first characters, to tell keys apart in lists and logs
    policy: KeyPolicy
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Reason(StrEnum):
    """Why a call went where it went (the audit row's and the metric's label)."""

    LOCAL = "local"  # the local model, as asked
    NAMED_MODEL = "named_model"  # the upstream that serves the model the client named
    LONG_CONTEXT = "long_context"  # the upstream with the context the request needs
    PII_PRIVATE = "pii_private"  # personal data found: kept inside the perimeter
    PII_PSEUDONYMIZED = "pii_pseudonymized"  # sent out with placeholders for personal data
    FALLBACK_OVERLOADED = "fallback_overloaded"  # the first choice's queue was full
    FALLBACK_DOWN = "fallback_down"  # the first choice did not answer
    KNOWLEDGE_BASE = "knowledge_base"  # perimeter-kb: the assistant's own answerer
    REFUSED_OVERLOADED = "refused_overloaded"  # 429: every allowed upstream is busy
    REFUSED_DOWN = "refused_down"  # 503: no allowed upstream answers
    REFUSED_TOO_LONG = "refused_too_long"  # 400: no allowed upstream has the context


@dataclass(frozen=True, slots=True)
class CallRecord:
    """The audit row of one call to the gateway."""

    key_name: str
    endpoint: str  # chat | embeddings | models
    model: str  # as the client asked
    upstream: str  # where it went ("" when refused before)
    reason: str  # a Reason, or why it was refused (quota, bad_request...)
    status: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    pii: dict[str, int] = field(default_factory=dict)  # kind -> count
    stream: bool = False
    at: datetime | None = None  # set by the store when None
    upstream_model: str = ""  # the model that answered (the upstream's name for it)
