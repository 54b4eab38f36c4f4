"""The web chat over HTTP: a streaming WebSocket at /ws/chat, an HTTP fallback under /api,
and the widget at /. The frames of the WebSocket are documented in ``docs/websockets.md``."""

# No ``from __future__ import annotations`` here: FastAPI must see the request model defined
# inside the route factory (its limit comes from the settings) as an object.

import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from starlette.websockets import WebSocketDisconnect

from bot.channels.webchat.hub import ConversationHub
from bot.channels.webchat.schemas import (
    AuthOut,
    ConversationOut,
    MessagePublic,
    TokenIn,
    TurnOut,
)
from bot.channels.webchat.sinks import CollectingSink, SocketSender, WebSocketSink
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.errors import ConversationNotFound, InvalidMessage, RateLimited, TokenRejected
from bot.dialogue.language import detect_language
from bot.dialogue.models import AuthMethod, Channel, IncomingMessage, Lang, Rate, Reply, Route
from bot.dialogue.ports import RateLimiter, TextCatalog
from bot.http.errors import (
    ApiError,
    Forbidden,
    InvalidInput,
    NotFound,
    NotLoggedIn,
    TooManyRequests,
)
from bot.http.errors import error_responses as errors
from bot.http.fields import visible_text
from bot.observability.metrics import Metrics
from bot.web_token import WebTokenVerifier

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
_NOT_FOUND = "conversation not found"


@dataclass
class WebChat:
    """What the web chat's endpoints need; built by the container."""

    engine: DialogueEngine
    hub: ConversationHub
    texts: TextCatalog
    metrics: Metrics
    web_tokens: WebTokenVerifier | None
    max_message_chars: int
    max_frame_bytes: int  # a larger frame is refused before it is parsed
    default_language: Lang
    wake_operators: Callable[[], Awaitable[None]]  # open consoles see a handoff at once
    limiter: RateLimiter
    conversation_rate: Rate  # conversations one client address may start

    async def may_start(self, address: str | None) -> int:
        """0 when the client at ``address`` may start one more conversation, else the whole
        seconds to wait."""
        key = f"conversations:{address or 'unknown'}"
        wait = await self.limiter.hit(key, self.conversation_rate)
        if wait <= 0:
            return 0
        self.metrics.errors.labels("webchat", "rate_limited").inc()
        return max(1, math.ceil(wait))

    def too_many(self, lang: Lang, seconds: int) -> TooManyRequests:
        """The 429 for a limit that lets the client in again after ``seconds``."""
        text = self.error_text("rate_limited", lang, retry_after_s=seconds)
        return TooManyRequests(text, code="rate_limited", headers={"Retry-After": str(seconds)})

    def error_text(self, code: str, lang: Lang, *, retry_after_s: int = 0) -> str:
        if code == "too_long":
            return self.texts.render("error_too_long", lang, limit=self.max_message_chars)
        if code == "rate_limited":
            return self.texts.render("error_rate_limited", lang, seconds=retry_after_s)
        name = {
            "empty": "error_empty",
            "bad_request": "error_bad_request",
            "token_rejected": "error_token_rejected",
            "token_login_disabled": "error_token_login_disabled",
        }.get(code, "error_internal")
        return self.texts.render(name, lang)

    async def replied(self, reply: Reply) -> None:
        """A message for people was recorded: open consoles see it now, not at the next poll."""
        if reply.route in (Route.HANDOFF, Route.OPERATOR):
            await self.wake_operators()

    async def token_login(self, conversation_id: str, token: str) -> datetime:
        """Verify the bank's web token and bind the conversation to its customer."""
        if self.web_tokens is None:
            code = "token_login_disabled"
            raise Forbidden(self.error_text(code, self.default_language), code=code)
        await self.engine.conversation(conversation_id)  # unknown id: before spending a token
        try:
            customer_id = await self.web_tokens.verify(token)
        except TokenRejected as exc:
            self.metrics.errors.labels("webchat", f"token_{exc.reason}").inc()
            log.info("web token refused conversation=%s reason=%s", conversation_id, exc.reason)
            code = "token_rejected"
            raise NotLoggedIn(self.error_text(code, self.default_language), code=code) from None
        return await self.engine.authenticate(conversation_id, customer_id, AuthMethod.WEB_TOKEN)


def routes(chat: WebChat) -> APIRouter:
    """The widget page, the HTTP API and the WebSocket."""
    engine = chat.engine
    api = APIRouter(prefix="/api", tags=["web chat"])

    class MessageIn(BaseModel):
        """A customer's message, for clients that do not use the WebSocket."""

        text: str = visible_text(chat.max_message_chars, "The customer's message.")

    @api.post(
        "/conversations",
        status_code=201,
        responses=errors(429),
        summary="Start a conversation",
    )
    async def create_conversation(request: Request) -> ConversationOut:
        wait = await chat.may_start(request.client.host if request.client else None)
        if wait:
            raise chat.too_many(chat.default_language, wait)
        conversation = await engine.start_conversation(Channel.WEBCHAT)
        return ConversationOut(conversation_id=conversation.id)

    @api.get(
        "/conversations/{conversation_id}/messages",
        responses=errors(404),
        summary="The transcript",
    )
    async def list_messages(conversation_id: str) -> ConversationOut:
        try:
            conversation = await engine.conversation(conversation_id)
        except ConversationNotFound:
            raise NotFound(_NOT_FOUND) from None
        messages = await engine.transcript(conversation_id)
        return ConversationOut(
            conversation_id=conversation_id,
            authenticated=conversation.customer_at(datetime.now(UTC)) is not None,
            messages=[MessagePublic.of(m) for m in messages],
        )

    @api.post(
        "/conversations/{conversation_id}/auth/token",
        responses=errors(401, 403, 404, 422),
        summary="Log the customer in with the bank's signed one-time web token",
    )
    async def login_with_token(conversation_id: str, body: TokenIn) -> AuthOut:
        try:
            until = await chat.token_login(conversation_id, body.token)
        except ConversationNotFound:
            raise NotFound(_NOT_FOUND) from None
        return AuthOut(authenticated=True, expires_at=until)

    @api.post(
        "/conversations/{conversation_id}/logout",
        status_code=204,
        responses=errors(404),
        summary="End the customer's authenticated session",
    )
    async def logout(conversation_id: str) -> Response:
        try:
            await engine.logout(conversation_id)
        except ConversationNotFound:
            raise NotFound(_NOT_FOUND) from None
        return Response(status_code=204)

    @api.post(
        "/conversations/{conversation_id}/messages",
        responses=errors(404, 422, 429),
        summary="Send a message and wait for the whole reply (no streaming)",
    )
    async def post_message(conversation_id: str, body: MessageIn) -> TurnOut:
        sink = CollectingSink()
        lang = detect_language(body.text, chat.default_language)
        try:
            reply = await engine.handle(
                IncomingMessage(conversation_id, body.text, Channel.WEBCHAT), sink
            )
            await chat.replied(reply)
        except ConversationNotFound:
            raise NotFound(_NOT_FOUND) from None
        except InvalidMessage as exc:
            chat.metrics.errors.labels("webchat", exc.reason).inc()
            raise InvalidInput(chat.error_text(exc.reason, lang), code=exc.reason) from None
        except RateLimited as exc:
            chat.metrics.errors.labels("webchat", "rate_limited").inc()
            raise chat.too_many(lang, _retry_after(exc)) from None
        assert sink.message_id is not None
        return TurnOut.of(sink.message_id, reply)

    router = APIRouter()
    router.include_router(api)
    router.add_api_websocket_route("/ws/chat", _socket(chat))

    @router.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    return router


def _retry_after(exc: RateLimited) -> int:
    """Whole seconds, rounded up (the ``Retry-After`` header's unit)."""
    return max(1, math.ceil(exc.retry_after_s))


def _socket(chat: WebChat) -> Callable[[WebSocket], Awaitable[None]]:
    async def chat_socket(websocket: WebSocket) -> None:
        engine = chat.engine
        await websocket.accept()
        conversation_id = websocket.query_params.get("conversation_id") or ""
        try:
            conversation = await engine.conversation(conversation_id)
        except ConversationNotFound:
            wait = await chat.may_start(websocket.client.host if websocket.client else None)
            if wait:
                text = chat.error_text("rate_limited", chat.default_language, retry_after_s=wait)
                refusal = {"code": "rate_limited", "message": text, "retry_after_s": wait}
                await websocket.send_json({"type": "error", **refusal})
                await websocket.close(code=1013)  # try again later
                return
            conversation = await engine.start_conversation(Channel.WEBCHAT)
        sender = SocketSender(websocket)
        chat.hub.join(conversation.id, sender)  # before the transcript: no reply falls between
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
                await _handle_frame(sender, chat, conversation.id, frame)
        except WebSocketDisconnect:
            return
        finally:
            chat.hub.leave(conversation.id, sender)

    return chat_socket


async def _handle_frame(
    sender: SocketSender, chat: WebChat, conversation_id: str, frame: Mapping[str, Any]
) -> None:
    async def error(code: str, lang: Lang = chat.default_language, retry_after_s: int = 0) -> None:
        chat.metrics.errors.labels("webchat", code).inc()
        message = chat.error_text(code, lang, retry_after_s=retry_after_s)
        frame: dict[str, object] = {"type": "error", "code": code, "message": message}
        if retry_after_s:
            frame["retry_after_s"] = retry_after_s
        await sender.send(frame)

    raw = frame.get("text")
    if raw is None or len(raw) > chat.max_frame_bytes:
        await error("bad_request" if raw is None else "too_long")
        return
    try:
        payload = json.loads(raw)
    except ValueError:
        await error("bad_request")
        return
    if isinstance(payload, dict) and payload.get("type") == "auth":
        await _socket_login(sender, chat, conversation_id, payload.get("token"), error)
        return
    text = payload.get("text") if isinstance(payload, dict) else None
    if (
        not isinstance(payload, dict)
        or payload.get("type") != "message"
        or not isinstance(text, str)
    ):
        await error("bad_request")
        return
    lang = detect_language(text, chat.default_language)
    sink = WebSocketSink(sender)
    try:
        reply = await chat.engine.handle(
            IncomingMessage(conversation_id, text, Channel.WEBCHAT), sink
        )
        await chat.replied(reply)
    except InvalidMessage as exc:
        await error(exc.reason, lang)
    except RateLimited as exc:
        await error("rate_limited", lang, _retry_after(exc))
    except Exception:
        log.exception("message failed conversation=%s", conversation_id)
        await error("internal", lang)


async def _socket_login(
    sender: SocketSender,
    chat: WebChat,
    conversation_id: str,
    token: object,
    error: Callable[[str], Awaitable[None]],
) -> None:
    if not isinstance(token, str):
        await error("bad_request")
        return
    try:
        until = await chat.token_login(conversation_id, token)
    except ApiError as exc:
        await error(exc.error_code)
        return
    await sender.send({"type": "auth", "authenticated": True, "expires_at": until.isoformat()})
