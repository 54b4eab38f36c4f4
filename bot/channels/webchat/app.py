"""The web chat: FastAPI app with a streaming WebSocket, an HTTP fallback and the widget."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from aiogram import Bot
from fastapi import APIRouter, Depends, FastAPI, Request, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.websockets import WebSocketDisconnect

from bot.channels.telegram.assembly import assemble, bot_for
from bot.channels.telegram.delivery import TelegramDelivery
from bot.channels.telegram.operators_group import OperatorsGroup
from bot.channels.telegram.webhook import TelegramWebhook, webhook_router
from bot.channels.webchat.hub import ConversationHub
from bot.channels.webchat.schemas import (
    AuthOut,
    ConversationPublic,
    ErrorOut,
    MessageIn,
    MessageOut,
    MessagePublic,
    TokenIn,
)
from bot.channels.webchat.sinks import CollectingSink, SocketSender, WebSocketSink
from bot.container import Container
from bot.content.api import mount_admin
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.errors import ConversationNotFound, InvalidMessage, RateLimited, TokenRejected
from bot.dialogue.language import detect_language
from bot.dialogue.models import AuthMethod, Channel, IncomingMessage, Lang, Reply, Route
from bot.operators.api import mount_console
from bot.storage.telegram import SqlTelegramStore

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_FRAME_BYTES = 256 * 1024

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
        "frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def get_engine(request: Request) -> DialogueEngine:
    return get_container(request).engine


ContainerDep = Annotated[Container, Depends(get_container)]
EngineDep = Annotated[DialogueEngine, Depends(get_engine)]


def _error_text(container: Container, code: str, lang: Lang, *, retry_after_s: int = 0) -> str:
    if code == "too_long":
        return container.texts.render(
            "error_too_long", lang, limit=container.settings.chat.max_message_chars
        )
    if code == "rate_limited":
        return container.texts.render("error_rate_limited", lang, seconds=retry_after_s)
    name = {
        "empty": "error_empty",
        "bad_request": "error_bad_request",
        "token_rejected": "error_token_rejected",
        "token_login_disabled": "error_token_login_disabled",
    }.get(code, "error_internal")
    return container.texts.render(name, lang)


async def _wake_console(container: Container, reply: Reply) -> None:
    """A message for people was recorded: open consoles see it now, not at the next poll."""
    if reply.route in (Route.HANDOFF, Route.OPERATOR):
        await container.console.feed.poke()


async def _token_login(container: Container, conversation_id: str, token: str) -> datetime:
    """Verify the bank's web token and bind the conversation to its customer."""
    if container.web_tokens is None:
        raise TokenLoginDisabled()
    await container.engine.conversation(conversation_id)  # unknown id: before spending a token
    customer_id = await container.web_tokens.verify(token)
    return await container.engine.authenticate(conversation_id, customer_id, AuthMethod.WEB_TOKEN)


class TokenLoginDisabled(Exception):
    """No web-token key is configured (PERIMETER_AUTH__WEB_TOKEN_SECRET)."""


class ApiError(Exception):
    """An error answered as ``ErrorOut`` JSON with a human-readable message."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    body = {"code": exc.code, "message": exc.message}
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


def _retry_after(exc: RateLimited) -> int:
    """Whole seconds, rounded up (the ``Retry-After`` header's unit)."""
    return max(1, math.ceil(exc.retry_after_s))


api = APIRouter(prefix="/api")


@api.post("/conversations", status_code=201)
async def create_conversation(engine: EngineDep) -> ConversationPublic:
    conversation = await engine.start_conversation(Channel.WEBCHAT)
    return ConversationPublic(conversation_id=conversation.id)


@api.get("/conversations/{conversation_id}/messages", responses={404: {"model": ErrorOut}})
async def list_messages(conversation_id: str, engine: EngineDep) -> ConversationPublic:
    try:
        conversation = await engine.conversation(conversation_id)
    except ConversationNotFound:
        raise ApiError(404, "not_found", "conversation not found") from None
    messages = await engine.transcript(conversation_id)
    return ConversationPublic(
        conversation_id=conversation_id,
        authenticated=conversation.customer_at(datetime.now(UTC)) is not None,
        messages=[MessagePublic.of(m) for m in messages],
    )


@api.post(
    "/conversations/{conversation_id}/auth/token",
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
async def login_with_token(conversation_id: str, body: TokenIn, container: ContainerDep) -> AuthOut:
    """The bank's site vouches for its logged-in customer with a signed one-time token."""
    lang: Lang = "en" if container.settings.chat.default_language == "en" else "ru"
    try:
        until = await _token_login(container, conversation_id, body.token)
    except ConversationNotFound:
        raise ApiError(404, "not_found", "conversation not found") from None
    except TokenLoginDisabled:
        code = "token_login_disabled"
        raise ApiError(403, code, _error_text(container, code, lang)) from None
    except TokenRejected as exc:
        container.metrics.errors.labels("webchat", f"token_{exc.reason}").inc()
        log.info("web token refused conversation=%s reason=%s", conversation_id, exc.reason)
        raise ApiError(
            401, "token_rejected", _error_text(container, "token_rejected", lang)
        ) from None
    return AuthOut(authenticated=True, expires_at=until)


@api.post("/conversations/{conversation_id}/logout", status_code=204)
async def logout(conversation_id: str, engine: EngineDep) -> Response:
    try:
        await engine.logout(conversation_id)
    except ConversationNotFound:
        raise ApiError(404, "not_found", "conversation not found") from None
    return Response(status_code=204)


@api.post(
    "/conversations/{conversation_id}/messages",
    responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def post_message(
    conversation_id: str, body: MessageIn, container: ContainerDep
) -> MessageOut:
    sink = CollectingSink()
    lang = detect_language(body.text)
    try:
        reply = await container.engine.handle(
            IncomingMessage(conversation_id, body.text, Channel.WEBCHAT), sink
        )
        await _wake_console(container, reply)
    except ConversationNotFound:
        raise ApiError(404, "not_found", "conversation not found") from None
    except InvalidMessage as exc:
        container.metrics.errors.labels("webchat", exc.reason).inc()
        raise ApiError(422, exc.reason, _error_text(container, exc.reason, lang)) from None
    except RateLimited as exc:
        container.metrics.errors.labels("webchat", "rate_limited").inc()
        seconds = _retry_after(exc)
        text = _error_text(container, "rate_limited", lang, retry_after_s=seconds)
        raise ApiError(429, "rate_limited", text, {"Retry-After": str(seconds)}) from None
    assert sink.message_id is not None
    return MessageOut.of(sink.message_id, reply)


async def chat_socket(websocket: WebSocket) -> None:
    container: Container = websocket.app.state.container
    engine = container.engine
    await websocket.accept()
    conversation_id = websocket.query_params.get("conversation_id") or ""
    try:
        conversation = await engine.conversation(conversation_id)
    except ConversationNotFound:
        conversation = await engine.start_conversation(Channel.WEBCHAT)
    hub: ConversationHub = websocket.app.state.hub
    sender = SocketSender(websocket)
    hub.join(conversation.id, sender)  # before the transcript: no operator reply falls between
    try:
        messages = await engine.transcript(conversation.id)
        await sender.send(
            {
                "type": "conversation",
                "conversation_id": conversation.id,
                "authenticated": conversation.customer_at(datetime.now(UTC)) is not None,
                "messages": [MessagePublic.of(m).model_dump(mode="json") for m in messages],
            }
        )
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                return
            await _handle_frame(sender, container, conversation.id, frame)
    except WebSocketDisconnect:
        return
    finally:
        hub.leave(conversation.id, sender)


async def _handle_frame(
    sender: SocketSender, container: Container, conversation_id: str, frame: Mapping[str, Any]
) -> None:
    default: Lang = "en" if container.settings.chat.default_language == "en" else "ru"

    async def error(code: str, lang: Lang = default, retry_after_s: int = 0) -> None:
        container.metrics.errors.labels("webchat", code).inc()
        message = _error_text(container, code, lang, retry_after_s=retry_after_s)
        frame: dict[str, object] = {"type": "error", "code": code, "message": message}
        if retry_after_s:
            frame["retry_after_s"] = retry_after_s
        await sender.send(frame)

    raw = frame.get("text")
    if raw is None or len(raw) > MAX_FRAME_BYTES:
        await error("bad_request" if raw is None else "too_long")
        return
    try:
        payload = json.loads(raw)
    except ValueError:
        await error("bad_request")
        return
    if isinstance(payload, dict) and payload.get("type") == "auth":
        await _socket_login(sender, container, conversation_id, payload.get("token"), error)
        return
    text = payload.get("text") if isinstance(payload, dict) else None
    if (
        not isinstance(payload, dict)
        or payload.get("type") != "message"
        or not isinstance(text, str)
    ):
        await error("bad_request")
        return
    lang = detect_language(text, default)
    sink = WebSocketSink(sender)
    try:
        reply = await container.engine.handle(
            IncomingMessage(conversation_id, text, Channel.WEBCHAT), sink
        )
        await _wake_console(container, reply)
    except InvalidMessage as exc:
        await error(exc.reason, lang)
    except RateLimited as exc:
        await error("rate_limited", lang, _retry_after(exc))
    except Exception:
        log.exception("message failed conversation=%s", conversation_id)
        await error("internal", lang)


async def _socket_login(
    sender: SocketSender,
    container: Container,
    conversation_id: str,
    token: object,
    error: Callable[[str], Awaitable[None]],
) -> None:
    if not isinstance(token, str):
        await error("bad_request")
        return
    try:
        until = await _token_login(container, conversation_id, token)
    except TokenLoginDisabled:
        await error("token_login_disabled")
        return
    except TokenRejected as exc:
        log.info("web token refused conversation=%s reason=%s", conversation_id, exc.reason)
        await error("token_rejected")
        return
    await sender.send({"type": "auth", "authenticated": True, "expires_at": until.isoformat()})


def _metrics_middleware(
    app: FastAPI,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        container: Container = app.state.container
        container.metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        container.metrics.stage_seconds.labels("http").observe(time.perf_counter() - started)
        for header, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response

    return middleware


def _telegram_webhook(container: Container) -> tuple[TelegramWebhook, OperatorsGroup | None] | None:
    section = container.settings.telegram
    if section.token is None or section.webhook_secret is None:
        return None
    channel = assemble(container, section.token.get_secret_value())
    webhook = TelegramWebhook(
        channel.bot, channel.dispatcher, channel.chats, section.webhook_secret.get_secret_value()
    )
    return webhook, channel.group


def _telegram_sender(container: Container, webhook: TelegramWebhook | None) -> Bot | None:
    """A bot to send operators' replies to Telegram customers (polling runs elsewhere)."""
    section = container.settings.telegram
    if webhook is not None:
        return webhook.bot
    return bot_for(section, section.token.get_secret_value()) if section.token else None


def create_app(
    container: Container, *, start: bool = True, ingest_dir: Path | None = None
) -> FastAPI:
    """The web app over a built container; ``start`` migrates and loads models at startup.
    The operator console is served under /operator. With a Telegram token and webhook
    secret, Telegram's webhook is served here too; with a token, operators' replies reach
    Telegram customers from here."""
    telegram, group = _telegram_webhook(container) or (None, None)
    hub = ConversationHub(container.console.store, container.console.feed)
    delivery = container.console.desk.delivery
    sender_bot = _telegram_sender(container, telegram)
    if sender_bot is not None:
        delivery.register(
            Channel.TELEGRAM.value,
            TelegramDelivery(sender_bot, SqlTelegramStore(container.store.engine)),
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start:
            await container.start(ingest_dir=ingest_dir)
        url = container.settings.telegram.webhook_url
        if telegram is not None and url:
            await telegram.register(url)
        await container.console.feed.start()
        await hub.start()
        if group is not None:
            await group.start()
        container.sweeper.start()
        try:
            yield
        finally:
            await container.sweeper.close()
            if group is not None:
                await group.close()
            await hub.close()
            await container.console.feed.close()
            if telegram is not None:
                await telegram.close()
            elif sender_bot is not None:
                await sender_bot.session.close()
            await container.close()

    app = FastAPI(title="Perimeter web chat", version="0.1.0", lifespan=lifespan)
    app.state.container = container
    app.state.hub = hub
    mount_console(app, container.console)
    mount_admin(app, container.admin)
    app.middleware("http")(_metrics_middleware(app))
    app.add_exception_handler(ApiError, _api_error)
    app.include_router(api)
    app.add_api_websocket_route("/ws/chat", chat_socket)
    if telegram is not None:
        app.include_router(webhook_router(telegram))

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/healthz")
    async def healthz(container: ContainerDep) -> dict[str, Any]:
        return {"status": "ok", "llm": type(container.llm).__name__}

    @app.get("/metrics", include_in_schema=False)
    async def metrics(container: ContainerDep) -> Response:
        return Response(generate_latest(container.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
