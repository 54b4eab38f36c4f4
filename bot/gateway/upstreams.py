"""Where a chat completion is written: the assistant's own model, or an OpenAI-compatible
server named in the settings (a bigger on-premise model, or a cloud one where the law allows).

Both stream text pieces and say how they are (``Health``) so the router can choose before it
sends anything. A failure before the first piece is ``Unavailable`` (the router tries the
next allowed upstream); a refusal of the request itself is ``Rejected`` (told to the client).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from bot.gateway.models import Zone
from bot.gateway.router import Health
from rag.admission import ModelAdmission
from rag.errors import ModelBusy

LOCAL = "local"


@dataclass(frozen=True, slots=True)
class ChatCall:
    """What is asked of an upstream: the messages as they may leave, and the sampling."""

    messages: Sequence[tuple[str, str]]  # (role, content)
    model: str  # the upstream's own model name
    max_tokens: int
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"


class Unavailable(Exception):
    """The upstream cannot take the call now: ``overloaded`` or ``down``."""

    def __init__(self, health: Health, why: str) -> None:
        super().__init__(why)
        self.health = health


class Rejected(Exception):
    """The upstream refused the request itself (too long, a bad parameter)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Upstream(Protocol):
    name: str
    zone: Zone
    models: tuple[str, ...]
    context_tokens: int

    def health(self) -> Health: ...

    def stream(self, call: ChatCall, usage: Usage) -> AsyncIterator[str]:
        """The answer's pieces; ``usage`` is filled as it goes (complete at the end)."""
        ...

    async def aclose(self) -> None: ...


class LocalUpstream:
    """The assistant's own model (embedded llama.cpp, Ollama or vLLM, as configured), taking
    its turns from the same queue as the customers' answers."""

    zone = Zone.PRIVATE

    def __init__(
        self,
        model: BaseChatModel,
        admission: ModelAdmission,
        count_tokens: Callable[[str], int],
        call_options: Callable[[int, list[str] | None], dict[str, Any]],
        *,
        model_name: str,
        context_tokens: int,
        max_tokens: int,
        max_waiting: int,
    ) -> None:
        self.name = LOCAL
        self.models: tuple[str, ...] = (model_name,)
        self.context_tokens = context_tokens
        self._model = model
        self._admission = admission
        self._count = count_tokens
        self._options = call_options
        self._max_tokens = max_tokens
        self._max_waiting = max_waiting

    def health(self) -> Health:
        if self._admission.saturated(self._max_waiting):
            return Health.OVERLOADED
        return Health.OK

    async def stream(self, call: ChatCall, usage: Usage) -> AsyncIterator[str]:
        messages = [_message(role, content) for role, content in call.messages]
        usage.prompt_tokens = sum(self._count(content) for _, content in call.messages)
        budget = min(call.max_tokens, self._max_tokens)
        try:
            async with self._admission.slot():
                options = self._options(budget, list(call.stop) or None)
                pieces = self._model.astream(messages, **options)
                async for chunk in pieces:
                    text = chunk.text
                    if text:
                        usage.completion_tokens += 1
                        yield text
        except ModelBusy as exc:
            raise Unavailable(Health.OVERLOADED, str(exc)) from None
        if usage.completion_tokens >= budget:
            usage.finish_reason = "length"

    async def aclose(self) -> None:
        """The container closes the model's own connections."""


def _message(role: str, content: str) -> BaseMessage:
    if role == "system":
        return SystemMessage(content)
    if role == "assistant":
        return AIMessage(content)
    return HumanMessage(content)


@dataclass
class _Breaker:
    """Down for ``cool_s`` after a failure to connect; overloaded while ``limit`` calls run."""

    limit: int
    cool_s: float
    running: int = 0
    down_until: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic)

    def health(self) -> Health:
        if self.clock() < self.down_until:
            return Health.DOWN
        if self.running >= self.limit:
            return Health.OVERLOADED
        return Health.OK


class OpenAIUpstream:
    """An OpenAI-compatible server (vLLM, llama.cpp's server, Ollama's /v1, a cloud API)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        zone: Zone,
        models: tuple[str, ...],
        context_tokens: int,
        api_key: str | None,
        timeout_s: float,
        max_concurrent: int,
        cool_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.zone = zone
        self.models = models
        self.context_tokens = context_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            transport=transport,
        )
        self._breaker = _Breaker(max_concurrent, cool_s)

    def health(self) -> Health:
        return self._breaker.health()

    async def stream(self, call: ChatCall, usage: Usage) -> AsyncIterator[str]:
        body: dict[str, Any] = {
            "model": call.model,
            "messages": [{"role": r, "content": c} for r, c in call.messages],
            "max_tokens": call.max_tokens,
            "stream": True,
        }
        for name in ("temperature", "top_p", "seed"):
            value = getattr(call, name)
            if value is not None:
                body[name] = value
        if call.stop:
            body["stop"] = list(call.stop)
        self._breaker.running += 1
        try:
            async with self._client.stream("POST", "chat/completions", json=body) as response:
                await self._check(response)
                async for text in _sse_text(response, usage):
                    yield text
        except httpx.TransportError as exc:
            if usage.completion_tokens:
                raise  # mid-answer: the client sees the stream end in an error
            self._breaker.down_until = self._breaker.clock() + self._breaker.cool_s
            raise Unavailable(Health.DOWN, f"{self.name}: {type(exc).__name__}") from None
        finally:
            self._breaker.running -= 1

    async def _check(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        await response.aread()
        status = response.status_code
        if status in (429, 503):
            raise Unavailable(Health.OVERLOADED, f"{self.name}: HTTP {status}")
        if status >= 500:
            self._breaker.down_until = self._breaker.clock() + self._breaker.cool_s
            raise Unavailable(Health.DOWN, f"{self.name}: HTTP {status}")
        raise Rejected(status, _error_message(response))

    async def aclose(self) -> None:
        await self._client.aclose()


async def _sse_text(response: httpx.Response, usage: Usage) -> AsyncIterator[str]:
    pieces = reported = 0  # pieces streamed (about a token each), and the server's own count
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        try:
            event = json.loads(data)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        counted = event.get("usage")
        if isinstance(counted, dict):
            usage.prompt_tokens = int(counted.get("prompt_tokens") or usage.prompt_tokens)
            reported = int(counted.get("completion_tokens") or reported)
        for choice in event.get("choices") or []:
            finish = choice.get("finish_reason")
            if finish:
                usage.finish_reason = str(finish)
            text = (choice.get("delta") or {}).get("content")
            if text:
                pieces += 1
                usage.completion_tokens = max(pieces, reported)
                yield str(text)
        usage.completion_tokens = max(pieces, reported)


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
        message = body["error"]["message"] if isinstance(body.get("error"), dict) else body
    except (ValueError, KeyError, TypeError, AttributeError):
        message = response.text
    return str(message)[:300]
