"""Settings-shaped config in, a streaming LangChain chat model out, with what it owns.

The HTTP clients of the server backends are made here and closed by :meth:`ChatBackend.aclose`
(LangChain's integrations never close theirs); the embedded model loads in
:meth:`ChatBackend.warm_up`, never at import or construction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel


@dataclass(frozen=True, slots=True)
class LLMConfig:
    backend: str  # "llamacpp" | "ollama" | "openai"
    model: str = ""
    ollama_host: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str = "not-needed"
    gguf_path: Path | None = None
    context_tokens: int = 4096
    threads: int = 0
    max_tokens: int = 320
    temperature: float = 0.0
    timeout_s: float = 120.0
    # Embedded llama.cpp's faster paths (integrations.llm.llamacpp_speed).
    prefix_cache: bool = True
    prefix_cache_mb: int = 64
    speculative: str = "off"  # "off" | "prompt_lookup" | "draft"
    draft_tokens: int = 2
    draft_gguf_path: Path | None = None
    # Server backends: fields added to every request's body as they are (vLLM's
    # repetition_penalty or cache_salt, llama.cpp server's cache_prompt...); Ollama's
    # keep_alive (how long the server keeps the model loaded after a request).
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    ollama_keep_alive: str | None = None


class ModelNotReady(Exception):
    """The model cannot answer now; the message says why (never a credential)."""


_PROBE_TIMEOUT_S = 3.0
_SPECULATIVE = ("off", "prompt_lookup", "draft")


def _served(
    transport: httpx.AsyncBaseTransport,
    url: str,
    model: str,
    names: Callable[[dict[str, Any]], list[str]],
    headers: dict[str, str] | None = None,
) -> Callable[[], Awaitable[None]]:
    """A probe: GET ``url`` and find ``model`` among the names it lists."""

    async def probe() -> None:
        try:
            async with httpx.AsyncClient(transport=transport, timeout=_PROBE_TIMEOUT_S) as client:
                response = await client.get(url, headers=headers)
                response.raise_for_status()
                listed = names(response.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise ModelNotReady(f"the model server does not answer: {type(exc).__name__}") from None
        wanted = {model, f"{model}:latest"}
        if not wanted & set(listed):
            served = ", ".join(listed) or "none"
            raise ModelNotReady(f"the model server does not serve {model!r} (it serves: {served})")

    return probe


class LLMConfigError(ValueError):
    pass


def estimate_tokens(text: str) -> int:
    """Tokens a server's model will see in ``text``, without its tokenizer: two characters a
    token, about right for Russian and English prose (digits and rare letters take more; the
    server enforces its own limit)."""
    return len(text) // 2 + 1


CallOptions = Callable[[int, list[str] | None], dict[str, Any]]


def _max_tokens_and_stop(max_tokens: int, stop: list[str] | None) -> dict[str, Any]:
    return {"max_tokens": max_tokens, "stop": stop}


@dataclass
class ChatBackend:
    model: BaseChatModel
    _warm_up: Callable[[], None] | None = None
    _ready: Callable[[], Awaitable[None]] | None = None
    count_tokens: Callable[[str], int] = estimate_tokens
    # The keyword arguments of one call that answer in at most N tokens and stop at these
    # sequences (each integration names them its own way).
    call_options: CallOptions = _max_tokens_and_stop
    _sync_transports: list[httpx.BaseTransport] = field(default_factory=list)
    _async_transports: list[httpx.AsyncBaseTransport] = field(default_factory=list)

    def warm_up(self) -> None:
        """Load the embedded model's weights (blocking: call it from a worker thread)."""
        if self._warm_up is not None:
            self._warm_up()

    async def ready(self) -> None:
        """Raises ``ModelNotReady`` unless the model answers now: the server is reachable and
        serves the configured model, or the embedded weights are loaded."""
        if self._ready is not None:
            await self._ready()

    async def aclose(self) -> None:
        """Release the connections the backend opened."""
        for transport in self._async_transports:
            await transport.aclose()
        for sync in self._sync_transports:
            sync.close()


def build_chat_backend(config: LLMConfig) -> ChatBackend:
    if config.backend == "ollama":
        if not config.ollama_host:
            raise LLMConfigError("PERIMETER_LLM__OLLAMA_HOST is required for the ollama backend")
        from langchain_ollama import ChatOllama

        sync, asynchronous = httpx.HTTPTransport(), httpx.AsyncHTTPTransport()
        ollama = ChatOllama(
            model=config.model,
            base_url=config.ollama_host,
            temperature=config.temperature,
            num_predict=config.max_tokens,
            num_ctx=config.context_tokens,
            keep_alive=config.ollama_keep_alive,
            client_kwargs={"timeout": config.timeout_s},
            sync_client_kwargs={"transport": sync},
            async_client_kwargs={"transport": asynchronous},
        )
        probe_transport = httpx.AsyncHTTPTransport()
        ready = _served(
            probe_transport,
            config.ollama_host.rstrip("/") + "/api/tags",
            config.model,
            lambda body: [m["name"] for m in body["models"]] + [m["model"] for m in body["models"]],
        )

        def ollama_options(max_tokens: int, stop: list[str] | None) -> dict[str, Any]:
            options = {
                "num_ctx": config.context_tokens,
                "num_predict": max_tokens,
                "temperature": config.temperature,
                "stop": stop,
            }
            return {"options": {k: v for k, v in options.items() if v is not None}}

        return ChatBackend(
            ollama,
            call_options=ollama_options,
            _ready=ready,
            _sync_transports=[sync],
            _async_transports=[asynchronous, probe_transport],
        )
    if config.backend == "openai":
        if not config.openai_base_url:
            raise LLMConfigError(
                "PERIMETER_LLM__OPENAI_BASE_URL is required for the openai backend"
            )
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        sync, asynchronous = httpx.HTTPTransport(), httpx.AsyncHTTPTransport()
        openai = ChatOpenAI(
            model=config.model,
            base_url=config.openai_base_url,
            api_key=SecretStr(config.openai_api_key),
            temperature=config.temperature,
            timeout=config.timeout_s,
            max_retries=0,
            streaming=True,
            # llama.cpp's server ignores max_completion_tokens; vLLM accepts both. The
            # passthrough cannot override it: max_tokens is its own setting.
            extra_body={**config.extra_body, "max_tokens": config.max_tokens},
            http_client=httpx.Client(transport=sync, timeout=config.timeout_s),
            http_async_client=httpx.AsyncClient(transport=asynchronous, timeout=config.timeout_s),
        )
        probe_transport = httpx.AsyncHTTPTransport()
        ready = _served(
            probe_transport,
            config.openai_base_url.rstrip("/") + "/models",
            config.model,
            lambda body: [m["id"] for m in body["data"]],
            headers={"Authorization": f"Bearer {config.openai_api_key}"},
        )

        def openai_options(max_tokens: int, stop: list[str] | None) -> dict[str, Any]:
            # The model's extra_body carries max_tokens (llama.cpp's server reads no other):
            # a call replaces the whole of it.
            return {"extra_body": {**config.extra_body, "max_tokens": max_tokens}, "stop": stop}

        return ChatBackend(
            openai,
            call_options=openai_options,
            _ready=ready,
            _sync_transports=[sync],
            _async_transports=[asynchronous, probe_transport],
        )
    if config.backend == "llamacpp":
        if config.gguf_path is None:
            raise LLMConfigError("no GGUF path for the embedded llama.cpp backend")
        if config.speculative not in _SPECULATIVE:
            raise LLMConfigError(
                f"PERIMETER_LLM__SPECULATIVE must be one of {', '.join(_SPECULATIVE)},"
                f" not {config.speculative!r}"
            )
        if config.speculative == "draft" and config.draft_gguf_path is None:
            raise LLMConfigError(
                "speculative decoding with a draft model needs PERIMETER_LLM__DRAFT_MODEL"
                " or PERIMETER_LLM__DRAFT_GGUF_PATH"
            )
        from integrations.llm.llamacpp import LlamaCppChatModel

        embedded = LlamaCppChatModel(
            model_path=config.gguf_path,
            n_ctx=config.context_tokens,
            n_threads=config.threads or None,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            prefix_cache=config.prefix_cache,
            prefix_cache_mb=config.prefix_cache_mb,
            speculative=config.speculative,  # checked above
            draft_tokens=config.draft_tokens,
            draft_model_path=config.draft_gguf_path,
        )

        async def loaded() -> None:
            if not embedded.loaded:
                raise ModelNotReady("the embedded model is not loaded yet")

        return ChatBackend(
            embedded, _warm_up=embedded.load, _ready=loaded, count_tokens=embedded.count_tokens
        )
    raise LLMConfigError(f"unknown LLM backend {config.backend!r}")
