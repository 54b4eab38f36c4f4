"""A test double of the Ollama HTTP API, faithful to its wire format.

Implements the endpoints Perimeter and its clients (the official ``ollama`` package,
``langchain_ollama``) use:

* ``GET /`` and ``HEAD /`` -> ``Ollama is running``
* ``GET /api/version`` -> ``{"version": "0.6.0"}``
* ``GET /api/tags`` -> the configured models, with Ollama's fields
* ``POST /api/chat`` -> NDJSON stream (default) or one JSON object (``"stream": false``)
* ``POST /api/generate`` -> the same, with ``response`` instead of ``message``

What it answers is steered from tests through :class:`OllamaDoubleConfig`, which is read on
every request (so a test may change it between calls):

* ``models``: names the server "has"; a name without a tag means ``:latest``, as in Ollama.
* ``reply``: the text to answer, or a callable ``messages -> text``. It is streamed in
  pieces of about one word, each piece carrying its leading whitespace (as tokens do).
* ``delay_s``: pause before each streamed piece.
* ``hang``: read the request, then send nothing until the server stops (timeout tests).
* ``fail_status``: answer every chat/generate request with that status and
  ``{"error": fail_message}``.
* ``options.num_predict`` in a request caps the number of pieces; the final chunk then says
  ``"done_reason": "length"``, as Ollama does.

Received ``/api/chat`` bodies are appended to ``config.requests``; ``/api/generate`` bodies
to ``config.generate_requests``.

In tests::

    config = OllamaDoubleConfig(models=["qwen2.5:7b-instruct-q4_K_M"], reply="Hello there")
    async with run_ollama_double(config) as base_url:
        client = ollama.AsyncClient(host=base_url)
        ...

Synchronous code (``ollama.Client``, ``ChatOllama.invoke``, ``validate_model_on_init``) must
not talk to a double running on its own event loop, which it would block: use
:func:`run_ollama_double_in_thread` there.

From a shell: ``python -m tests.support.doubles.ollama_server --port 11434``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from aiohttp import web

__all__ = [
    "DEFAULT_MODEL",
    "OLLAMA_VERSION",
    "OllamaDouble",
    "OllamaDoubleConfig",
    "main",
    "run_ollama_double",
    "run_ollama_double_in_thread",
    "split_pieces",
]

OLLAMA_VERSION: Final = "0.6.0"
DEFAULT_MODEL: Final = "qwen2.5:7b-instruct-q4_K_M"

Message = dict[str, Any]
ReplyFn = Callable[[list[Message]], str]

_PIECE_RE: Final = re.compile(r"\s*\S+|\s+")
_NDJSON: Final = "application/x-ndjson"
# Fixed, plausible figures (nanoseconds) for the counters Ollama reports.
_LOAD_DURATION_NS: Final = 1_500_000
_PROMPT_EVAL_NS_PER_TOKEN: Final = 250_000


@dataclass
class OllamaDoubleConfig:
    """What the double answers; read on every request, so tests may change it live."""

    models: list[str] = field(default_factory=lambda: [DEFAULT_MODEL])
    reply: str | ReplyFn = "Hello! How can I help you today?"
    delay_s: float = 0.0
    hang: bool = False
    fail_status: int | None = None
    fail_message: str = "simulated failure from the Ollama double"
    requests: list[dict[str, Any]] = field(default_factory=list)
    generate_requests: list[dict[str, Any]] = field(default_factory=list)


def split_pieces(text: str) -> list[str]:
    """Split ``text`` into ~one-word pieces that keep their leading whitespace.

    ``"".join(split_pieces(t)) == t`` for every ``t``.
    """
    return _PIECE_RE.findall(text)


def _normalise(name: str) -> str:
    """Ollama's model names: ``llama3`` means ``llama3:latest``."""
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


def _now() -> str:
    """RFC 3339 UTC timestamp with a ``Z`` suffix, like Ollama's ``created_at``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _model_entry(name: str) -> dict[str, Any]:
    full = _normalise(name)
    base, _, tag = full.rpartition(":")
    family_match = re.match(r"[A-Za-z]+", base.rsplit("/", 1)[-1])
    family = family_match.group(0).lower() if family_match else "unknown"
    quant_match = re.search(r"(q\d+_[a-z0-9_]+|f16|fp16|q8_0)$", tag, re.IGNORECASE)
    size_match = re.search(r"(\d+(?:\.\d+)?)b", full, re.IGNORECASE)
    return {
        "name": full,
        "model": full,
        "modified_at": "2025-03-01T12:00:00.000000000Z",
        "size": 4_683_087_332,
        "digest": hashlib.sha256(full.encode()).hexdigest(),
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": f"{size_match.group(1)}B" if size_match else "7B",
            "quantization_level": quant_match.group(1).upper() if quant_match else "Q4_K_M",
        },
    }


def _count_tokens(texts: Sequence[str]) -> int:
    """A rough token count: whitespace-separated words, at least 1."""
    return max(1, sum(len(t.split()) for t in texts))


class OllamaDouble:
    """The aiohttp application plus its lifecycle (``start``/``stop``)."""

    def __init__(self, config: OllamaDoubleConfig | None = None) -> None:
        self.config = config if config is not None else OllamaDoubleConfig()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The ``/api/chat`` bodies received so far."""
        return self.config.requests

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._root)
        app.router.add_get("/api/version", self._version)
        app.router.add_get("/api/tags", self._tags)
        app.router.add_post("/api/chat", self._chat)
        app.router.add_post("/api/generate", self._generate)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0 = ephemeral) and return the base URL."""
        if self._runner is not None:
            raise RuntimeError("the Ollama double is already running")
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            bound_host, bound_port = runner.addresses[0][:2]
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.base_url = f"http://{bound_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop listening, release hanging requests and close connections."""
        runner, self._runner = self._runner, None
        self._stopping.set()
        if runner is not None:
            await runner.cleanup()
        self.base_url = None

    async def _on_shutdown(self, _app: web.Application) -> None:
        self._stopping.set()

    # --- handlers -----------------------------------------------------------------------

    async def _root(self, _request: web.Request) -> web.Response:
        return web.Response(text="Ollama is running")

    async def _version(self, _request: web.Request) -> web.Response:
        return web.json_response({"version": OLLAMA_VERSION})

    async def _tags(self, _request: web.Request) -> web.Response:
        return web.json_response({"models": [_model_entry(m) for m in self.config.models]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        return await self._complete(request, chat=True)

    async def _generate(self, request: web.Request) -> web.StreamResponse:
        return await self._complete(request, chat=False)

    async def _complete(self, request: web.Request, *, chat: bool) -> web.StreamResponse:
        started = time.perf_counter_ns()
        raw = await request.read()
        if not raw.strip():
            return _error(400, "missing request body")
        try:
            body = json.loads(raw)
        except json.JSONDecodeError as exc:
            return _error(400, f"invalid JSON: {exc.msg}")
        if not isinstance(body, dict):
            return _error(400, "request body must be a JSON object")
        (self.config.requests if chat else self.config.generate_requests).append(body)

        model = body.get("model")
        if not isinstance(model, str) or not model:
            return _error(400, "model is required")
        messages_raw = body.get("messages") if chat else None
        if chat and messages_raw is not None and not isinstance(messages_raw, list):
            return _error(400, "messages must be a list")

        config = self.config
        if config.hang:
            return await self._hang(request)
        if config.fail_status is not None:
            return _error(config.fail_status, config.fail_message)
        if _normalise(model) not in {_normalise(m) for m in config.models}:
            return _error(404, f'model "{model}" not found, try pulling it first')

        options = body.get("options") or {}
        stream = body.get("stream")
        stream = True if stream is None else bool(stream)

        if chat:
            messages: list[Message] = [m for m in (messages_raw or []) if isinstance(m, dict)]
            if not messages:  # Ollama only loads (or unloads) the model for an empty chat
                return await self._load_only(request, model, body, stream, chat=True)
            prompt_texts = [str(m.get("content") or "") for m in messages]
        else:
            prompt = body.get("prompt")
            if not prompt:
                return await self._load_only(request, model, body, stream, chat=False)
            messages = [{"role": "user", "content": str(prompt)}]
            prompt_texts = [str(prompt), str(body.get("system") or "")]

        text = config.reply(messages) if callable(config.reply) else config.reply
        pieces = split_pieces(text)
        done_reason = "stop"
        num_predict = options.get("num_predict") if isinstance(options, dict) else None
        if isinstance(num_predict, int) and 0 < num_predict < len(pieces):
            pieces = pieces[:num_predict]
            done_reason = "length"
        prompt_eval_count = _count_tokens(prompt_texts)

        def final(content: str, eval_started: int) -> dict[str, Any]:
            now = time.perf_counter_ns()
            chunk = self._chunk(model, content, chat=chat, done=True)
            chunk["done_reason"] = done_reason
            chunk.update(
                total_duration=now - started + _LOAD_DURATION_NS,
                load_duration=_LOAD_DURATION_NS,
                prompt_eval_count=prompt_eval_count,
                prompt_eval_duration=prompt_eval_count * _PROMPT_EVAL_NS_PER_TOKEN,
                eval_count=len(pieces),
                eval_duration=max(1, now - eval_started),
            )
            if not chat:
                chunk["context"] = list(range(1, prompt_eval_count + len(pieces) + 1))
            return chunk

        if not stream:
            eval_started = time.perf_counter_ns()
            if config.delay_s > 0 and pieces:
                await self._sleep(config.delay_s * len(pieces))
            return web.json_response(final("".join(pieces), eval_started))

        response = web.StreamResponse(status=200, headers={"Content-Type": _NDJSON})
        await response.prepare(request)
        eval_started = time.perf_counter_ns()
        for piece in pieces:
            if config.delay_s > 0:
                await self._sleep(config.delay_s)
            if self._stopping.is_set():
                break
            await _write_line(response, self._chunk(model, piece, chat=chat, done=False))
        await _write_line(response, final("", eval_started))
        await response.write_eof()
        return response

    def _chunk(self, model: str, content: str, *, chat: bool, done: bool) -> dict[str, Any]:
        chunk: dict[str, Any] = {"model": model, "created_at": _now()}
        if chat:
            chunk["message"] = {"role": "assistant", "content": content}
        else:
            chunk["response"] = content
        chunk["done"] = done
        return chunk

    async def _load_only(
        self, request: web.Request, model: str, body: dict[str, Any], stream: bool, *, chat: bool
    ) -> web.StreamResponse:
        chunk = self._chunk(model, "", chat=chat, done=True)
        chunk["done_reason"] = "unload" if body.get("keep_alive") in (0, "0", "0s") else "load"
        if not stream:
            return web.json_response(chunk)
        response = web.StreamResponse(status=200, headers={"Content-Type": _NDJSON})
        await response.prepare(request)
        await _write_line(response, chunk)
        await response.write_eof()
        return response

    async def _hang(self, request: web.Request) -> web.StreamResponse:
        """Send nothing until the server stops, then drop the connection."""
        await self._stopping.wait()
        if request.transport is not None:
            request.transport.close()
        return _error(503, "the Ollama double is shutting down")

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up early when the server stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


async def _write_line(response: web.StreamResponse, obj: dict[str, Any]) -> None:
    await response.write(json.dumps(obj, ensure_ascii=False).encode() + b"\n")


@contextlib.asynccontextmanager
async def run_ollama_double(config: OllamaDoubleConfig | None = None) -> AsyncIterator[str]:
    """Run the double on 127.0.0.1 (ephemeral port); yield its base URL."""
    server = OllamaDouble(config)
    base_url = await server.start()
    try:
        yield base_url
    finally:
        await server.stop()


@contextlib.contextmanager
def run_ollama_double_in_thread(config: OllamaDoubleConfig | None = None) -> Iterator[str]:
    """Run the double on its own event loop in a daemon thread; yield its base URL.

    For synchronous callers, which would otherwise block the loop serving them.
    """
    server = OllamaDouble(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="ollama-double", daemon=True)
    thread.start()
    try:
        base_url = asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=30)
        try:
            yield base_url
        finally:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        if not thread.is_alive():
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Ollama API test double.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=11434)
    parser.add_argument(
        "--model",
        action="append",
        dest="models",
        help=f"a model name to serve (repeatable; default {DEFAULT_MODEL})",
    )
    parser.add_argument("--reply", default=OllamaDoubleConfig.reply)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between pieces")
    args = parser.parse_args(argv)
    config = OllamaDoubleConfig(
        models=list(args.models or [DEFAULT_MODEL]), reply=args.reply, delay_s=args.delay
    )
    server = OllamaDouble(config)
    web.run_app(
        server.make_app(),
        host=args.host,
        port=args.port,
        access_log=None,
        shutdown_timeout=2.0,
        print=lambda _msg: print(
            f"Ollama double on http://{args.host}:{args.port} serving {config.models}",
            flush=True,
        ),
    )


if __name__ == "__main__":
    main()
