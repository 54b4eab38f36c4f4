"""Where a request may go: one pure function over the request's facts and the upstreams'
state. The rules, in order:

1. **The model asked for.** ``perimeter`` is the local model; another name is the upstreams
   that serve it. The fallback upstream (a setting) is the last candidate of either.
2. **Capability.** A request longer than the first candidate's context, or from a key with
   ``long_context``, goes to the upstreams whose context holds it (the longest first, for
   such a key); none holds it: 400.
3. **Personal data.** External upstreams are off unless ``allow_external``. A request with
   personal data goes to private upstreams only, or, with ``redact_for_external``, to an
   external one with the data pseudonymized. No private candidate left: the local model.
4. **Load.** The first candidate that is neither overloaded nor down; if none, 429 (one is
   only busy) or 503 (all down), with ``Retry-After``.

Every decision carries its reasons, for the audit row and the metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.gateway.models import LOCAL_MODEL, Capability, Reason, Zone


class Health(StrEnum):
    OK = "ok"
    OVERLOADED = "overloaded"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class UpstreamView:
    name: str
    zone: Zone
    models: tuple[str, ...]
    context_tokens: int
    health: Health = Health.OK


@dataclass(frozen=True, slots=True)
class RouteRequest:
    model: str
    personal: bool  # the screen found (or suspects) personal data in a message
    tokens: int  # the prompt's estimate and the answer's budget
    capabilities: tuple[Capability, ...] = ()


@dataclass(frozen=True, slots=True)
class RoutePolicy:
    allow_external: bool = False
    redact_for_external: bool = False
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    upstream: str | None  # None: refused with ``status``
    reasons: tuple[Reason, ...]
    pseudonymize: bool = False
    status: int = 200

    @property
    def reason(self) -> str:
        return ",".join(self.reasons)


def route(
    request: RouteRequest, upstreams: Sequence[UpstreamView], policy: RoutePolicy
) -> Decision:
    """``upstreams`` in the settings' order, the local one first."""
    local = upstreams[0]
    by_name = {u.name: u for u in upstreams}
    reasons: list[Reason] = []
    # 1. the model
    if request.model == LOCAL_MODEL:
        candidates = [local]
        reasons.append(Reason.LOCAL)
    else:
        candidates = [u for u in upstreams if request.model in u.models]
        reasons.append(Reason.NAMED_MODEL)
    fallback = by_name.get(policy.fallback or "")
    if fallback is not None and fallback not in candidates:
        candidates.append(fallback)
    # 2. capability
    long_context = Capability.LONG_CONTEXT in request.capabilities
    if long_context or (candidates and request.tokens > candidates[0].context_tokens):
        fitting = [u for u in upstreams if u.context_tokens >= request.tokens]
        if request.model != LOCAL_MODEL:
            fitting = [u for u in fitting if u in candidates]
        if long_context:
            fitting.sort(key=lambda u: -u.context_tokens)
        candidates = fitting + [u for u in candidates if u not in fitting]
        reasons.append(Reason.LONG_CONTEXT)
    # 3. personal data
    pseudonymize = False
    if not policy.allow_external:
        candidates = [u for u in candidates if u.zone is Zone.PRIVATE]
    if request.personal:
        if policy.redact_for_external and any(u.zone is Zone.EXTERNAL for u in candidates):
            pseudonymize = True
        else:
            candidates = [u for u in candidates if u.zone is Zone.PRIVATE]
    if not candidates:
        candidates = [local]
    candidates = [u for u in candidates if u.context_tokens >= request.tokens]
    if not candidates:
        return Decision(None, (*reasons, Reason.REFUSED_TOO_LONG), status=400)
    # 4. load
    for place, upstream in enumerate(candidates):
        if upstream.health is not Health.OK:
            continue
        if place > 0:
            first = candidates[0].health
            reasons.append(
                Reason.FALLBACK_DOWN if first is Health.DOWN else Reason.FALLBACK_OVERLOADED
            )
        external = upstream.zone is Zone.EXTERNAL
        if request.personal:
            reasons.append(Reason.PII_PSEUDONYMIZED if external else Reason.PII_PRIVATE)
        return Decision(upstream.name, tuple(reasons), pseudonymize=external and pseudonymize)
    if any(u.health is Health.OVERLOADED for u in candidates):
        return Decision(None, (*reasons, Reason.REFUSED_OVERLOADED), status=429)
    return Decision(None, (*reasons, Reason.REFUSED_DOWN), status=503)
