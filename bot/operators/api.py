"""The operator console over HTTP: the page, a JSON API and a live WebSocket, at /operator.

Every API call needs a session cookie (401 without one); state-changing calls also need
the ``X-Requested-With: perimeter-console`` header (403 without it: a page on another site
cannot add it), and supervisor calls need the supervisor role (403).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request, Response, WebSocket
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.websockets import WebSocketDisconnect, WebSocketState

from bot.dialogue.models import HandoffEvent, HandoffEventKind
from bot.operators import web_login
from bot.operators.auth import SESSION_COOKIE, ConsoleAuth
from bot.operators.desk import OperatorDesk
from bot.operators.errors import DeskError, Forbidden, NotFound
from bot.operators.live import EventFeed
from bot.operators.models import Operator, OperatorRole
from bot.operators.schemas import (
    AssignIn,
    HandoffDetailOut,
    HandoffOut,
    LoginIn,
    MeOut,
    MessageCreated,
    MessageOut,
    OperatorOut,
    OperatorsOut,
    PassageOut,
    PassagesOut,
    QueueOut,
    ReplyIn,
)
from bot.storage.operators import SqlOperatorStore

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CSRF_HEADER = "x-requested-with"
CSRF_VALUE = "perimeter-console"
SESSION_ENDED = 4401
CONSOLE_ROLES = frozenset({OperatorRole.OPERATOR, OperatorRole.SUPERVISOR})


@dataclass
class Console:
    """What the console's endpoints need; built by the container."""

    store: SqlOperatorStore
    auth: ConsoleAuth
    desk: OperatorDesk
    feed: EventFeed
    secure_cookie: bool = False


class NotLoggedIn(Exception):
    pass


def get_console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]


async def current_operator(request: Request, console: ConsoleDep) -> Operator:
    operator = await console.auth.operator(request.cookies.get(SESSION_COOKIE))
    if operator is None:
        raise NotLoggedIn()
    if operator.role not in CONSOLE_ROLES:
        raise Forbidden("the console is for operators and supervisors")
    if request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise Forbidden("missing the console's X-Requested-With header")
    return operator


OperatorDep = Annotated[Operator, Depends(current_operator)]

api = APIRouter(prefix="/operator/api")


@api.post("/login")
async def login(body: LoginIn, request: Request, console: ConsoleDep) -> Response:
    if request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise Forbidden("missing the console's X-Requested-With header")
    return await web_login.login(
        console.auth,
        body.name,
        body.password,
        roles=CONSOLE_ROLES,
        cookie=SESSION_COOKIE,
        path="/operator",
        secure=console.secure_cookie,
        refusal="This account is not an operator's: the console is for operators.",
    )


@api.post("/logout", status_code=204)
async def logout(request: Request, operator: OperatorDep, console: ConsoleDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await console.auth.logout(token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/operator")
    await console.feed.poke()  # its sockets close
    return response


@api.get("/me")
async def me(operator: OperatorDep) -> MeOut:
    return MeOut.of(operator)


@api.get("/queue")
async def queue(operator: OperatorDep, console: ConsoleDep) -> QueueOut:
    views = await console.desk.queue(operator)
    return QueueOut(handoffs=[HandoffOut.of(v) for v in views])


@api.get("/handoffs/{handoff_id}")
async def handoff(handoff_id: str, operator: OperatorDep, console: ConsoleDep) -> HandoffDetailOut:
    return HandoffDetailOut.of_detail(await console.desk.detail(operator, handoff_id))


@api.post("/handoffs/{handoff_id}/take")
async def take(handoff_id: str, operator: OperatorDep, console: ConsoleDep) -> HandoffOut:
    view = await console.desk.take(operator, handoff_id)
    await console.feed.poke()
    return HandoffOut.of(view)


@api.post("/handoffs/{handoff_id}/messages", status_code=201)
async def reply(
    handoff_id: str, body: ReplyIn, operator: OperatorDep, console: ConsoleDep
) -> MessageCreated:
    message = await console.desk.reply(operator, handoff_id, body.text)
    await console.feed.poke()
    return MessageCreated(message=MessageOut.of(message))


@api.post("/handoffs/{handoff_id}/handback")
async def hand_back(handoff_id: str, operator: OperatorDep, console: ConsoleDep) -> HandoffOut:
    view = await console.desk.hand_back(operator, handoff_id)
    await console.feed.poke()
    return HandoffOut.of(view)


@api.post("/handoffs/{handoff_id}/resolve")
async def resolve(handoff_id: str, operator: OperatorDep, console: ConsoleDep) -> HandoffOut:
    view = await console.desk.resolve(operator, handoff_id)
    await console.feed.poke()
    return HandoffOut.of(view)


@api.post("/handoffs/{handoff_id}/assign")
async def assign(
    handoff_id: str, body: AssignIn, operator: OperatorDep, console: ConsoleDep
) -> HandoffOut:
    view = await console.desk.assign(operator, handoff_id, body.operator)
    await console.feed.poke()
    return HandoffOut.of(view)


@api.get("/operators")
async def operators(operator: OperatorDep, console: ConsoleDep) -> OperatorsOut:
    rows = await console.desk.operators(operator)
    return OperatorsOut(
        operators=[
            OperatorOut(
                name=o.name,
                display_name=o.display_name,
                role=o.role.value,
                open_handoffs=count,
                online=console.feed.online[o.name] > 0,
            )
            for o, count in rows
        ]
    )


@api.get("/kb/search")
async def kb_search(q: str, operator: OperatorDep, console: ConsoleDep) -> PassagesOut:
    passages = await console.desk.search(operator, q)
    return PassagesOut(passages=[PassageOut.of(p) for p in passages])


async def _not_logged_in(request: Request, exc: Exception) -> JSONResponse:
    return web_login.error(401, "not_logged_in", "Please log in to the operator console.")


# --- live updates ---------------------------------------------------------------------------


def _same_origin(websocket: WebSocket) -> bool:
    """Browsers send Origin with WebSockets; a page on another site must not ride the cookie."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser (no cookie-riding possible)
    return urlsplit(origin).netloc == websocket.headers.get("host")


async def console_socket(websocket: WebSocket) -> None:
    console: Console = websocket.app.state.console
    token = websocket.cookies.get(SESSION_COOKIE)
    operator = await console.auth.operator(token)
    if operator is not None and operator.role not in CONSOLE_ROLES:
        operator = None
    if operator is None or not _same_origin(websocket):
        await websocket.close(code=SESSION_ENDED if operator is None else 4403)
        return
    await websocket.accept()
    after_raw = websocket.query_params.get("after")
    cursor = (
        int(after_raw) if after_raw and after_raw.isdigit() else await console.store.last_event_id()
    )
    await websocket.send_json({"type": "hello", "last_event_id": cursor})
    console.feed.online[operator.name] += 1
    try:
        while websocket.client_state is WebSocketState.CONNECTED:
            if await console.auth.operator(token) is None:
                await websocket.close(code=SESSION_ENDED)
                return
            events = await console.store.events_after(cursor)
            for event in events:
                frame = await _frame(console, operator, event)
                if frame is not None:
                    await websocket.send_text(json.dumps(frame, default=str))
                cursor = event.id
            if not events:
                await console.feed.wait(cursor, patience_s=5.0)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return
    finally:
        console.feed.online[operator.name] -= 1


async def _frame(
    console: Console, operator: Operator, event: HandoffEvent
) -> dict[str, object] | None:
    """The event as this operator may see it; None when it is not theirs to see."""
    try:
        view = await console.desk.view(operator, event.handoff_id)
        message = None
        if event.kind is HandoffEventKind.MESSAGE and event.message_id:
            found = await console.desk.message(operator, event.handoff_id, event.message_id)
            message = MessageOut.of(found).model_dump(mode="json")
    except (Forbidden, NotFound):
        if event.kind is HandoffEventKind.MESSAGE:
            return None
        # A handoff now someone else's: tell the console to drop it from its queue.
        handoff = await console.store.handoff(event.handoff_id)
        if handoff is None:
            return None
        return {
            "type": "event",
            "id": event.id,
            "kind": event.kind.value,
            "handoff_id": int(event.handoff_id),
            "conversation_id": event.conversation_id,
            "handoff": {
                "id": int(handoff.id),
                "status": handoff.status.value,
                "operator": handoff.operator,
            },
            "message": None,
        }
    return {
        "type": "event",
        "id": event.id,
        "kind": event.kind.value,
        "handoff_id": int(event.handoff_id),
        "conversation_id": event.conversation_id,
        "handoff": HandoffOut.of(view).model_dump(mode="json"),
        "message": message,
    }


def mount_console(app: FastAPI, console: Console) -> None:
    app.state.console = console
    app.add_exception_handler(DeskError, web_login.refusal)
    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.include_router(api)
    app.add_api_websocket_route("/operator/ws", console_socket)

    @app.get("/operator", include_in_schema=False)
    async def console_page() -> FileResponse:
        return FileResponse(STATIC / "console.html", media_type="text/html")

    app.mount("/operator/static", StaticFiles(directory=STATIC), name="operator-static")
