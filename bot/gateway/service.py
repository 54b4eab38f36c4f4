"""One call through the gateway: the client's key, its limits, the screen for personal data,
the route, the upstream, and the audit row (counts and names, never the text).

``Gateway.chat`` returns a :class:`ChatRun` once the chosen upstream has written its first
piece (an upstream that fails before it is passed over for the next one the rules allow), so
a refusal is always an HTTP status, never a stream that breaks at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.dialogue.engine import Rate
from bot.dialogue.ports import RateLimiter
from bot.gateway.keys import KeyRing
from bot.gateway.knowledge import KnowledgeModel, KnowledgeOutcome
from bot.gateway.models import (
    KNOWLEDGE_MODEL,
    LOCAL_MODEL,
    ApiKey,
    CallRecord,
    Reason,
    Zone,
)
from bot.gateway.ports import GatewayCalls
from bot.gateway.pseudonyms import Pseudonyms, StreamRestorer
from bot.gateway.router import Decision, Health, RoutePolicy, RouteRequest, UpstreamView, route
from bot.gateway.schemas import ChatRequest, EmbeddingRequest
from bot.gateway.screening import Screen, Screening
from bot.gateway.upstreams import ChatCall, Rejected, Unavailable, Upstream, Usage
from integrations.llm.factory import estimate_tokens

log = logging.getLogger(__name__)

EMBEDDING_MODEL = "perimeter-embed"


class GatewayError(Exception):
    """A refusal in OpenAI's terms: status, ``type``, ``code``, and maybe ``param``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",  # OpenAI's field name
        code: str | None = None,
        param: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.headers = (
            {"Retry-After": str(max(1, math.ceil(retry_after_s)))}
            if retry_after_s is not None
            else {}
        )


@dataclass(frozen=True, slots=True)
class GatewayPolicy:
    route: RoutePolicy
    max_messages: int = 64
    max_request_chars: int = 64_000
    default_max_tokens: int = 512
    max_completion_tokens: int = 4096
    retry_after_s: float = 5.0
    knowledge: bool = True


class GatewayObserver(Protocol):
    def gateway_call(
        self, endpoint: str, upstream: str, reason: str, status: int, seconds: float
    ) -> None: ...

    def gateway_pii(self, kind: str, count: int) -> None: ...

    def gateway_tokens(self, client: str, prompt: int, completion: int) -> None: ...


class Embedder(Protocol):
    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


class Gateway:
    def __init__(
        self,
        keys: KeyRing,
        calls: GatewayCalls,
        screen: Screen,
        upstreams: Sequence[Upstream],
        limiter: RateLimiter,
        policy: GatewayPolicy,
        *,
        knowledge: KnowledgeModel | None = None,
        embedder: Embedder | None = None,
        observer: GatewayObserver | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._keys = keys
        self._calls = calls
        self._screen = screen
        self._upstreams = list(upstreams)  # the local one first
        self._by_name = {u.name: u for u in self._upstreams}
        self._limiter = limiter
        self.policy = policy
        self._knowledge = knowledge
        self._embedder = embedder
        self._observer = observer
        self._clock = clock

    # --- who may call --------------------------------------------------------------------

    async def authenticate(self, authorization: str | None) -> ApiKey:
        scheme, _, presented = (authorization or "").partition(" ")
        key = None
        if scheme.lower() == "bearer" and presented:
            key = await self._keys.authenticate(presented.strip())
        if key is None:
            if self._observer is not None:
                self._observer.gateway_call("auth", "", "bad_key", 401, 0.0)
            raise GatewayError(
                401,
                "Incorrect or revoked API key. Ask the bank's IT for a key"
                " (perimeter gateway keys add NAME).",
                type="authentication_error",
                code="invalid_api_key",
            )
        return key

    def catalogue(self) -> dict[str, str]:
        """Every model served here: its id and who serves it."""
        found = {LOCAL_MODEL: "perimeter"}
        if self._knowledge is not None:
            found[KNOWLEDGE_MODEL] = "perimeter"
        if self._embedder is not None:
            found[EMBEDDING_MODEL] = "perimeter"
        for upstream in self._upstreams:
            if upstream.zone is Zone.EXTERNAL and not self.policy.route.allow_external:
                continue
            for model in upstream.models:
                found.setdefault(model, upstream.name)
        return found

    def models(self, key: ApiKey) -> dict[str, str]:
        """The models ``key`` may use."""
        return {m: owner for m, owner in self.catalogue().items() if key.policy.allows(m)}

    async def _admit(self, key: ApiKey, model: str, endpoint: str) -> None:
        if model not in self.catalogue():
            raise await self._refused(
                key,
                endpoint,
                model,
                "model_not_found",
                GatewayError(
                    404,
                    f"The model {model[:64]!r} does not exist here; GET /v1/models lists them.",
                    code="model_not_found",
                    param="model",
                ),
            )
        if not key.policy.allows(model):
            raise await self._refused(
                key,
                endpoint,
                model,
                "model_not_allowed",
                GatewayError(
                    403,
                    f"This key may not use the model {model!r}.",
                    type="permission_error",
                    code="model_not_allowed",
                    param="model",
                ),
            )
        wait = await self._limiter.hit(
            f"gateway:{key.id}", Rate(key.policy.requests_per_minute, 60.0)
        )
        if wait > 0:
            raise await self._refused(
                key,
                endpoint,
                model,
                "rate_limited",
                GatewayError(
                    429,
                    f"Over this key's {key.policy.requests_per_minute} requests a minute.",
                    type="rate_limit_error",
                    code="rate_limit_exceeded",
                    retry_after_s=wait,
                ),
            )
        now = self._clock()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        used = await self._calls.tokens_since(key.name, midnight)
        if used >= key.policy.tokens_per_day:
            until = (midnight + timedelta(days=1) - now).total_seconds()
            raise await self._refused(
                key,
                endpoint,
                model,
                "token_quota",
                GatewayError(
                    429,
                    f"This key has used its {key.policy.tokens_per_day} tokens for today (UTC).",
                    type="rate_limit_error",
                    code="insufficient_quota",
                    retry_after_s=until,
                ),
            )

    async def _refused(
        self,
        key: ApiKey,
        endpoint: str,
        model: str,
        reason: str,
        error: GatewayError,
        pii: dict[str, int] | None = None,
    ) -> GatewayError:
        await self._audit(
            CallRecord(key.name, endpoint, model, "", reason, error.status, pii=pii or {}),
            0.0,
        )
        return error

    # --- chat ----------------------------------------------------------------------------

    async def chat(self, key: ApiKey, request: ChatRequest) -> ChatRun:
        started = time.perf_counter()
        texts = self._texts(request)
        await self._admit(key, request.model, "chat")
        screenings = await asyncio.to_thread(lambda: [self._screen.screen(t) for t in texts])
        pii = _counts(screenings)
        personal = any(s.personal for s in screenings)
        budget = min(
            request.answer_budget() or self.policy.default_max_tokens,
            self.policy.max_completion_tokens,
        )
        roles = [_role(m.role) for m in request.messages]
        if request.model == KNOWLEDGE_MODEL:
            assert self._knowledge is not None
            outcome = KnowledgeOutcome()
            usage = Usage()
            pieces = self._knowledge.stream(list(zip(roles, texts, strict=True)), usage, outcome)
            decision = Decision("knowledge-base", (Reason.KNOWLEDGE_BASE,))
            first = await self._first(pieces, key, request, decision, pii, started)
            return ChatRun(
                self,
                key,
                request,
                decision,
                pieces,
                first,
                usage,
                None,
                pii,
                started,
                outcome,
                answered_by=KNOWLEDGE_MODEL,
            )
        tokens = sum(estimate_tokens(t) for t in texts) + budget
        health: dict[str, Health] = {}
        for _ in range(len(self._upstreams)):
            views = [
                UpstreamView(
                    u.name, u.zone, u.models, u.context_tokens, health.get(u.name) or u.health()
                )
                for u in self._upstreams
            ]
            decision = route(
                RouteRequest(request.model, personal, tokens, key.policy.capabilities),
                views,
                self.policy.route,
            )
            if decision.upstream is None:
                raise await self._refused(
                    key, "chat", request.model, decision.reason, self._refusal(decision), pii
                )
            upstream = self._by_name[decision.upstream]
            pseudonyms = Pseudonyms() if decision.pseudonymize else None
            outgoing = (
                [pseudonyms.mask(t, s) for t, s in zip(texts, screenings, strict=True)]
                if pseudonyms is not None
                else texts
            )
            model = request.model if request.model in upstream.models else upstream.models[0]
            call = ChatCall(
                list(zip(roles, outgoing, strict=True)),
                model,
                budget,
                request.temperature,
                request.top_p,
                request.stops(),
                request.seed,
            )
            usage = Usage()
            pieces = upstream.stream(call, usage)
            try:
                first = await anext(pieces, "")
            except Unavailable as exc:
                log.warning("gateway: %s unavailable (%s): routing again", upstream.name, exc)
                health[upstream.name] = exc.health
                continue
            except Rejected as exc:
                raise await self._refused(
                    key,
                    "chat",
                    request.model,
                    "upstream_rejected",
                    GatewayError(
                        400 if exc.status < 500 else 502, str(exc), code="upstream_rejected"
                    ),
                    pii,
                ) from None
            restorer = pseudonyms.restorer() if pseudonyms is not None else None
            return ChatRun(
                self,
                key,
                request,
                decision,
                pieces,
                first,
                usage,
                restorer,
                pii,
                started,
                None,
                answered_by=call.model,
            )
        raise await self._refused(
            key,
            "chat",
            request.model,
            Reason.REFUSED_DOWN.value,
            self._refusal(Decision(None, (Reason.REFUSED_DOWN,), status=503)),
            pii,
        )

    async def _first(
        self,
        pieces: AsyncIterator[str],
        key: ApiKey,
        request: ChatRequest,
        decision: Decision,
        pii: dict[str, int],
        started: float,
    ) -> str:
        try:
            return await anext(pieces, "")
        except Unavailable as exc:
            refused = Decision(
                None,
                (
                    *decision.reasons,
                    Reason.REFUSED_OVERLOADED
                    if exc.health is Health.OVERLOADED
                    else Reason.REFUSED_DOWN,
                ),
                status=429 if exc.health is Health.OVERLOADED else 503,
            )
            raise await self._refused(
                key, "chat", request.model, refused.reason, self._refusal(refused), pii
            ) from None

    def _refusal(self, decision: Decision) -> GatewayError:
        retry = self.policy.retry_after_s
        if decision.status == 429:
            return GatewayError(
                429,
                "The model is busy: every upstream this request may use is"
                " at capacity. Retry after the time in Retry-After.",
                type="rate_limit_error",
                code="model_overloaded",
                retry_after_s=retry,
            )
        if decision.status == 400:
            return GatewayError(
                400,
                "The request is longer than the context of every upstream it may go to.",
                code="context_length_exceeded",
                param="messages",
            )
        return GatewayError(
            503,
            "No upstream this request may use is answering now. Retry"
            " after the time in Retry-After.",
            type="server_error",
            code="upstream_unavailable",
            retry_after_s=retry,
        )

    def _texts(self, request: ChatRequest) -> list[str]:
        if request.tools or request.functions or any(m.tool_calls for m in request.messages):
            raise GatewayError(
                400,
                "Tools and function calls are not supported by this gateway.",
                param="tools",
                code="unsupported_parameter",
            )
        if len(request.messages) > self.policy.max_messages:
            raise GatewayError(
                400,
                f"At most {self.policy.max_messages} messages a request.",
                param="messages",
                code="request_too_large",
            )
        try:
            texts = [m.text() for m in request.messages]
        except ValueError as exc:
            raise GatewayError(
                400, str(exc), param="messages", code="unsupported_content"
            ) from None
        if sum(len(t) for t in texts) > self.policy.max_request_chars:
            raise GatewayError(
                400,
                f"The messages are over {self.policy.max_request_chars} characters together.",
                param="messages",
                code="request_too_large",
            )
        return texts

    # --- embeddings ----------------------------------------------------------------------

    async def embed(self, key: ApiKey, request: EmbeddingRequest) -> tuple[list[list[float]], int]:
        """The vectors of the inputs, and the tokens they counted as."""
        started = time.perf_counter()
        await self._admit(key, request.model, "embeddings")
        assert self._embedder is not None  # else the model is not listed, and refused above
        texts = request.texts()
        screenings = await asyncio.to_thread(lambda: [self._screen.screen(t) for t in texts])
        vectors = await asyncio.to_thread(self._embedder.embed_documents, texts)
        tokens = sum(estimate_tokens(t) for t in texts)
        await self._audit(
            CallRecord(
                key.name,
                "embeddings",
                request.model,
                "local-embeddings",
                "local",
                200,
                prompt_tokens=tokens,
                pii=_counts(screenings),
                upstream_model=EMBEDDING_MODEL,
            ),
            time.perf_counter() - started,
        )
        return vectors, tokens

    # --- the record ----------------------------------------------------------------------

    async def _audit(self, record: CallRecord, seconds: float) -> None:
        record = dataclasses.replace(record, latency_ms=round(seconds * 1000))
        if self._observer is not None:
            self._observer.gateway_call(
                record.endpoint, record.upstream, record.reason, record.status, seconds
            )
            for kind, count in record.pii.items():
                self._observer.gateway_pii(kind, count)
            self._observer.gateway_tokens(
                record.key_name, record.prompt_tokens, record.completion_tokens
            )
        try:
            await self._calls.record_call(record)
        except Exception:
            log.exception("gateway: could not write the audit row of a call")
        log.info(
            "gateway call key=%s endpoint=%s model=%s upstream=%s/%s reason=%s status=%d"
            " tokens=%d+%d ms=%d pii=%s",
            record.key_name,
            record.endpoint,
            record.model,
            record.upstream or "-",
            record.upstream_model or "-",
            record.reason,
            record.status,
            record.prompt_tokens,
            record.completion_tokens,
            record.latency_ms,
            ",".join(f"{k}:{n}" for k, n in sorted(record.pii.items())) or "-",
        )


class ChatRun:
    """A chat completion under way: its first piece already written."""

    def __init__(
        self,
        gateway: Gateway,
        key: ApiKey,
        request: ChatRequest,
        decision: Decision,
        pieces: AsyncIterator[str],
        first: str,
        usage: Usage,
        restorer: StreamRestorer | None,
        pii: dict[str, int],
        started: float,
        knowledge: KnowledgeOutcome | None,
        answered_by: str,
    ) -> None:
        self._gateway = gateway
        self.answered_by = answered_by  # the model that writes it, by its upstream's name
        self._key = key
        self._request = request
        self.decision = decision
        self._pieces = pieces
        self._first = first
        self.usage = usage
        self._restorer = restorer
        self._pii = pii
        self._started = started
        self.knowledge = knowledge

    @property
    def upstream(self) -> str:
        return self.decision.upstream or ""

    async def pieces(self) -> AsyncIterator[str]:
        """The answer's text, placeholders put back; the audit row is written at the end."""
        status = 200
        try:
            async for piece in self._stream():
                yield piece
        except BaseException:
            status = 502
            raise
        finally:
            if not self.usage.prompt_tokens:
                self.usage.prompt_tokens = sum(
                    estimate_tokens(m.text()) for m in self._request.messages
                )
            await self._gateway._audit(
                CallRecord(
                    self._key.name,
                    "chat",
                    self._request.model,
                    self.upstream,
                    self.decision.reason,
                    status,
                    self.usage.prompt_tokens,
                    self.usage.completion_tokens,
                    pii=self._pii,
                    stream=self._request.stream,
                    upstream_model=self.answered_by,
                ),
                time.perf_counter() - self._started,
            )

    async def _stream(self) -> AsyncIterator[str]:
        restore = self._restorer.feed if self._restorer is not None else _same
        if self._first:
            yield restore(self._first)
        async for piece in self._pieces:
            text = restore(piece)
            if text:
                yield text
        if self._restorer is not None:
            tail = self._restorer.flush()
            if tail:
                yield tail

    async def text(self) -> str:
        return "".join([piece async for piece in self.pieces()])


def _same(text: str) -> str:
    return text


def _role(role: str) -> str:
    return "system" if role == "developer" else role


def _counts(screenings: Sequence[Screening]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for screening in screenings:
        total.update(screening.counts())
    return dict(total)
