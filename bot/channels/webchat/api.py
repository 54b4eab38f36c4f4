"""The web chat over HTTP: a streaming WebSocket at /ws/chat, an HTTP fallback under /api,
and the widget at /. The frames of the WebSocket are documented in ``docs/websockets.md``."""

# No ``from __future__ import annotations`` here: FastAPI must see the request model defined
# inside the route factory (its limit comes from the settings) as an object.

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, WebSocket
from fastapi import Path as PathParam
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.websockets import WebSocketDisconnect

from bot.channels.webchat import credentials
from bot.channels.webchat.hub import ConversationHub
from bot.channels.webchat.page import STATIC, WidgetPage, page_routes
from bot.channels.webchat.schemas import (
    AuthOut,
    ConversationOut,
    FeedbackIn,
    MessagePublic,
    TokenIn,
    TurnOut,
    TypingOut,
)
from bot.channels.webchat.sinks import CollectingSink, SocketSender, WebSocketSink
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.errors import ConversationNotFound, InvalidMessage, RateLimited, TokenRejected
from bot.dialogue.language import detect_language
from bot.dialogue.models import (
    AuthMethod,
    Channel,
    Conversation,
    IncomingMessage,
    Lang,
    Rate,
    Reply,
    Route,
)
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
from bot.operators.ports import TypingStore
from bot.web_token import WebTokenVerifier

log = logging.getLogger(__name__)
__all__ = ["STATIC", "WebChat", "routes"]
_NOT_FOUND = "conversation not found"
HELLO_TIMEOUT_S = 10.0  # a socket that has not said which conversation by then is closed
POLICY_VIOLATION = 1008
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="conversation secret",
    description="The `token` that `POST /api/conversations` returned with the conversation.",
)


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
    page: WidgetPage  # the widget's page with the bank's brand, and its loader
    typing: TypingStore  # «клиент печатает» for the console, «оператор печатает» for here

    async def start(self) -> tuple[Conversation, str]:
        """A new web conversation and the secret its client will prove (returned only here)."""
        secret, digest = credentials.new_secret()
        conversation = await self.engine.start_conversation(Channel.WEBCHAT, secret_digest=digest)
        return conversation, secret

    async def open(self, conversation_id: str, secret: str | None) -> Conversation:
        """The conversation whose secret this is; ConversationNotFound for an unknown id and
        for a wrong secret alike, so that ids cannot be probed."""
        conversation = await self.engine.conversation(conversation_id)
        if not credentials.proves(conversation, secret):
            self.metrics.errors.labels("webchat", "secret_rejected").inc()
            raise ConversationNotFound(conversation_id)
        return conversation

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
            "secret_required": "error_secret_required",
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

    async def held(
        conversation_id: str,
        secret: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Conversation:
        """The conversation of the path, for a client that proves its secret."""
        if secret is None:
            code = "secret_required"
            raise NotLoggedIn(
                chat.error_text(code, chat.default_language),
                code=code,
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            return await chat.open(conversation_id, secret.credentials)
        except ConversationNotFound:
            raise NotFound(_NOT_FOUND) from None

    @api.post(
        "/conversations",
        status_code=201,
        responses=errors(429),
        summary="Start a conversation",
        description="Returns the conversation's id and its secret `token`, once: every other "
        "call on the conversation sends it as `Authorization: Bearer <token>`.",
    )
    async def create_conversation(request: Request) -> ConversationOut:
        wait = await chat.may_start(request.client.host if request.client else None)
        if wait:
            raise chat.too_many(chat.default_language, wait)
        conversation, secret = await chat.start()
        return ConversationOut(conversation_id=conversation.id, token=secret)

    @api.get(
        "/conversations/{conversation_id}/messages",
        responses=errors(401, 404),
        summary="The transcript",
    )
    async def list_messages(
        conversation: Annotated[Conversation, Depends(held)],
    ) -> ConversationOut:
        messages = await engine.transcript(conversation.id)
        return ConversationOut(
            conversation_id=conversation.id,
            authenticated=conversation.customer_at(datetime.now(UTC)) is not None,
            messages=[MessagePublic.of(m) for m in messages],
        )

    @api.post(
        "/conversations/{conversation_id}/auth/token",
        responses=errors(401, 403, 404, 422),
        summary="Log the customer in with the bank's signed one-time web token",
    )
    async def login_with_token(
        body: TokenIn, conversation: Annotated[Conversation, Depends(held)]
    ) -> AuthOut:
        until = await chat.token_login(conversation.id, body.token)
        return AuthOut(authenticated=True, expires_at=until)

    @api.post(
        "/conversations/{conversation_id}/logout",
        status_code=204,
        responses=errors(401, 404),
        summary="End the customer's authenticated session",
        description="Account replies of the session are no longer returned with the transcript.",
    )
    async def logout(conversation: Annotated[Conversation, Depends(held)]) -> Response:
        await engine.logout(conversation.id)
        return Response(status_code=204)

    @api.post(
        "/conversations/{conversation_id}/messages",
        responses=errors(401, 404, 422, 429),
        summary="Send a message and wait for the whole reply (no streaming)",
    )
    async def post_message(
        body: MessageIn, conversation: Annotated[Conversation, Depends(held)]
    ) -> TurnOut:
        sink = CollectingSink()
        lang = detect_language(body.text, chat.default_language)
        try:
            reply = await engine.handle(
                IncomingMessage(conversation.id, body.text, Channel.WEBCHAT), sink
            )
            await chat.replied(reply)
        except ConversationNotFound:  # gone since it was opened (a data-subject erasure)
            raise NotFound(_NOT_FOUND) from None
        except InvalidMessage as exc:
            chat.metrics.errors.labels("webchat", exc.reason).inc()
            raise InvalidInput(chat.error_text(exc.reason, lang), code=exc.reason) from None
        except RateLimited as exc:
            chat.metrics.errors.labels("webchat", "rate_limited").inc()
            raise chat.too_many(lang, _retry_after(exc)) from None
        assert sink.message_id is not None
        return TurnOut.of(sink.message_id, reply)

    @api.get(
        "/conversations/{conversation_id}/typing",
        responses=errors(401, 404),
        summary="Whether the operator is typing a reply now",
    )
    async def operator_typing(conversation: Annotated[Conversation, Depends(held)]) -> TypingOut:
        return TypingOut(operator_typing=await chat.typing.typing(conversation.id, "operator"))

    @api.post(
        "/conversations/{conversation_id}/messages/{message_id}/feedback",
        status_code=204,
        responses=errors(401, 404, 422, 429),
        summary="Rate one of the bot's replies (👍/👎)",
        description="`reply_id` of a turn names the reply. A second rating of the same reply "
        "replaces the first. Counted against the conversation's message rate.",
    )
    async def rate_reply(
        message_id: Annotated[str, PathParam(max_length=18, pattern=r"^[0-9]{1,18}$")],
        body: FeedbackIn,
        conversation: Annotated[Conversation, Depends(held)],
    ) -> Response:
        try:
            await engine.admit(conversation.id, Channel.WEBCHAT)
        except RateLimited as exc:
            chat.metrics.errors.labels("webchat", "rate_limited").inc()
            raise chat.too_many(chat.default_language, _retry_after(exc)) from None
        if not await engine.feedback(conversation.id, message_id, body.helpful):
            raise NotFound("no reply of the bot with this id in the conversation")
        return Response(status_code=204)

    router = APIRouter()
    router.include_router(api)
    router.add_api_websocket_route("/ws/chat", _socket(chat))

    router.include_router(page_routes(chat.page))
    return router


def _retry_after(exc: RateLimited) -> int:
    """Whole seconds, rounded up (the ``Retry-After`` header's unit)."""
    return max(1, math.ceil(exc.retry_after_s))


def _socket(chat: WebChat) -> Callable[[WebSocket], Awaitable[None]]:
    async def chat_socket(websocket: WebSocket) -> None:
        engine = chat.engine
        await websocket.accept()
        opened = await _hello(websocket, chat)
        if opened is None:
            return
        conversation, secret = opened
        sender = SocketSender(websocket)
        chat.hub.join(conversation.id, sender)  # before the transcript: no reply falls between
        try:
            messages = await engine.transcript(conversation.id)
            greeting: dict[str, object] = {
                "type": "conversation",
                "conversation_id": conversation.id,
                "authenticated": conversation.customer_at(datetime.now(UTC)) is not None,
                "messages": [MessagePublic.of(m).model_dump(mode="json") for m in messages],
            }
            if secret is not None:
                greeting["token"] = secret
            await sender.send(greeting)
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


async def _hello(websocket: WebSocket, chat: WebChat) -> tuple[Conversation, str | None] | None:
    """The first frame says which conversation, proving its secret, before anything else
    (never the URL: it reaches access logs): ``{"type": "hello"}`` starts a new one,
    ``{"type": "hello", "conversation_id": …, "token": …}`` resumes one. A resume that does
    not prove its conversation starts a new one too. Returns the conversation and, when
    new, its secret; None when the socket was refused and closed."""

    async def refuse(code: str, close: int = POLICY_VIOLATION, retry_after_s: int = 0) -> None:
        chat.metrics.errors.labels("webchat", code).inc()
        text = chat.error_text(code, chat.default_language, retry_after_s=retry_after_s)
        frame: dict[str, object] = {"type": "error", "code": code, "message": text}
        if retry_after_s:
            frame["retry_after_s"] = retry_after_s
        await websocket.send_json(frame)
        await websocket.close(code=close)

    try:
        frame = await asyncio.wait_for(websocket.receive(), HELLO_TIMEOUT_S)
    except TimeoutError:
        await refuse("bad_request")
        return None
    if frame["type"] == "websocket.disconnect":
        return None
    payload = _json_frame(frame, chat.max_frame_bytes)
    if not isinstance(payload, dict) or payload.get("type") != "hello":
        await refuse("bad_request")
        return None
    conversation_id, secret = payload.get("conversation_id"), payload.get("token")
    if isinstance(conversation_id, str) and isinstance(secret, str):
        try:
            return await chat.open(conversation_id, secret), None
        except ConversationNotFound:
            pass
    wait = await chat.may_start(websocket.client.host if websocket.client else None)
    if wait:
        await refuse("rate_limited", close=1013, retry_after_s=wait)  # try again later
        return None
    return await chat.start()


def _json_frame(frame: Mapping[str, Any], max_bytes: int) -> object:
    """A text frame's JSON, or None when it is not text, too large or not JSON."""
    raw = frame.get("text")
    if raw is None or len(raw) > max_bytes:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


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
    if isinstance(payload, dict) and payload.get("type") == "typing":
        await chat.typing.mark(conversation_id, "customer")  # nothing of the text is sent
        return
    if isinstance(payload, dict) and payload.get("type") == "logout":
        await chat.engine.logout(conversation_id)
        await sender.send({"type": "logged_out"})  # the widget forgets this conversation
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
