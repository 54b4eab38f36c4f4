"""The gateway's HTTP surface, in the OpenAI API's shapes: ``/v1/models``,
``/v1/chat/completions`` (a JSON answer, or server-sent events with ``"stream": true``) and
``/v1/embeddings``. Every refusal is OpenAI's error object (``{"error": {"message", "type",
"param", "code"}}``) so the clients' own error classes apply; 429 and 503 carry
``Retry-After``. It is an app of its own, on its own port (``gateway.port``).
"""

from __future__ import annotations

import base64
import json
import struct
import time
import uuid
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.dialogue.language import detect_language
from bot.dialogue.models import SourceRef
from bot.gateway.schemas import ChatRequest, EmbeddingRequest, ModelList, ModelOut
from bot.gateway.service import ChatRun, Gateway, GatewayError
from bot.http.body_limit import BodyLimit

_SOURCES = {"ru": "Источники", "en": "Sources"}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
}


def error_json(
    status: int,
    message: str,
    *,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": type or _ERROR_TYPES.get(status, "server_error"),
            "param": param,
            "code": code,
        }
    }


def routes(gateway: Gateway) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["gateway"])
    created = int(time.time())

    @router.get("/models")
    async def list_models(authorization: Annotated[str | None, Header()] = None) -> ModelList:
        key = await gateway.authenticate(authorization)
        return ModelList(
            data=[
                ModelOut(id=m, created=created, owned_by=o) for m, o in gateway.models(key).items()
            ]
        )

    @router.get("/models/{model:path}")
    async def get_model(
        model: str, authorization: Annotated[str | None, Header()] = None
    ) -> ModelOut:
        key = await gateway.authenticate(authorization)
        owner = gateway.models(key).get(model)
        if owner is None:
            raise GatewayError(
                404,
                f"The model {model[:64]!r} does not exist here.",
                code="model_not_found",
                param="model",
            )
        return ModelOut(id=model, created=created, owned_by=owner)

    @router.post("/chat/completions", response_model=None)
    async def chat_completions(
        body: ChatRequest, authorization: Annotated[str | None, Header()] = None
    ) -> Response:
        key = await gateway.authenticate(authorization)
        run = await gateway.chat(key, body)
        headers = {"X-Perimeter-Upstream": run.upstream, "X-Perimeter-Route": run.decision.reason}
        answer_id = f"chatcmpl-{uuid.uuid4().hex}"
        if body.stream:
            usage = body.stream_options is not None and body.stream_options.include_usage
            return StreamingResponse(
                _events(run, answer_id, body.model, usage, _lang(body)),
                media_type="text/event-stream",
                headers={**headers, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        text = await run.text()
        text += _footer(run, _lang(body))
        return JSONResponse(
            {
                "id": answer_id,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": run.usage.finish_reason,
                        "logprobs": None,
                    }
                ],
                "usage": _usage(run),
                **_sources(run),
            },
            headers=headers,
        )

    @router.post("/embeddings")
    async def embeddings(
        body: EmbeddingRequest, authorization: Annotated[str | None, Header()] = None
    ) -> dict[str, Any]:
        key = await gateway.authenticate(authorization)
        vectors, tokens = await gateway.embed(key, body)
        return {
            "object": "list",
            "data": [
                {"object": "embedding", "index": i, "embedding": _encoded(v, body.encoding_format)}
                for i, v in enumerate(vectors)
            ],
            "model": body.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    return router


async def _events(
    run: ChatRun, answer_id: str, model: str, usage: bool, lang: str
) -> AsyncIterator[str]:
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {
            "id": answer_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        async for piece in run.pieces():
            yield chunk({"content": piece})
    except Exception:
        message = "The upstream failed while answering; the answer is incomplete."
        yield f"data: {json.dumps(error_json(502, message, code='upstream_failed'))}\n\n"
        return
    footer = _footer(run, lang)
    if footer:
        yield chunk({"content": footer})
    yield chunk({}, run.usage.finish_reason, **_sources(run))
    if usage:
        body = {
            "id": answer_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [],
            "usage": _usage(run),
        }
        yield f"data: {json.dumps(body)}\n\n"
    yield "data: [DONE]\n\n"


def _usage(run: ChatRun) -> dict[str, int]:
    prompt, completion = run.usage.prompt_tokens, run.usage.completion_tokens
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _lang(body: ChatRequest) -> str:
    last = next((m for m in reversed(body.messages) if m.role == "user"), None)
    try:
        text = last.text() if last is not None else ""
    except ValueError:
        text = ""
    return detect_language(text)


def _footer(run: ChatRun, lang: str) -> str:
    """The knowledge base's sources under its answer, for clients that read only the text."""
    if run.knowledge is None or not run.knowledge.sources:
        return ""
    lines = [f"- {_described(s)}" for s in run.knowledge.sources]
    return f"\n\n{_SOURCES.get(lang, 'Sources')}:\n" + "\n".join(lines)


def _described(source: SourceRef) -> str:
    title = source.title + (f" — {source.section}" if source.section else "")
    return f"{title} ({source.url})" if source.url else title


def _sources(run: ChatRun) -> dict[str, Any]:
    if run.knowledge is None:
        return {}
    return {
        "sources": [
            {
                "title": s.title,
                "section": s.section,
                "url": s.url,
                "document": s.doc_id,
                "version": s.version,
            }
            for s in run.knowledge.sources
        ]
    }


def _encoded(vector: list[float], encoding: str) -> list[float] | str:
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


# --- the app -------------------------------------------------------------------------------


async def _gateway_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GatewayError)
    return JSONResponse(
        error_json(exc.status, exc.message, type=exc.type, code=exc.code, param=exc.param),
        status_code=exc.status,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """400, as OpenAI answers a malformed body; names the field, never echoes its value."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    location = [str(p) for p in first.get("loc", ()) if p != "body"]
    param = ".".join(location) or None
    if first.get("type") == "json_invalid":
        message, param = "The body is not valid JSON.", None
    elif first.get("type") == "missing" and location == ["authorization"]:
        message = "No API key: send «Authorization: Bearer <key>»."
    else:
        message = f"{param or 'body'}: {first.get('msg', 'invalid')}"
    return JSONResponse(error_json(400, message, param=param, code="invalid_request"), 400)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    message = exc.detail if isinstance(exc.detail, str) else phrase
    return JSONResponse(
        error_json(exc.status_code, message, code=phrase.lower().replace(" ", "_")),
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


def gateway_app(gateway: Gateway, max_body_bytes: int) -> FastAPI:
    """The gateway's app: /v1, bodies bounded, OpenAI's error object for every refusal."""
    app = FastAPI(
        title="Perimeter gateway",
        version="0.1.0",
        summary="The bank's local models in the OpenAI API's shape, personal data kept inside.",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(
        BodyLimit,
        default=max_body_bytes,
        by_prefix={},
        render=lambda code, message: error_json(413, message, code=code),
    )
    app.include_router(routes(gateway))
    return app
