"""The operator console over HTTP: the page, a JSON API and a live WebSocket, at /operator.

Logins, sessions, roles and the CSRF header are the staff gate's (``bot.staff.web``): the
console admits operators and supervisors; supervisor calls are refused to operators (403)
by the desk.
"""

# No ``from __future__ import annotations`` here: FastAPI must see the dependency aliases
# defined inside the route factories as objects, not as names it cannot resolve.

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, WebSocket
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, StrictBool
from starlette.websockets import WebSocketDisconnect, WebSocketState

from bot.dialogue.models import HandoffEvent, HandoffEventKind, HandoffReason
from bot.http.errors import Forbidden, NotFound, Unavailable, error_responses
from bot.http.fields import DAY, VISIBLE, day, visible_text
from bot.operators.dashboard import Dashboard, as_csv
from bot.operators.desk import HandoffView, OperatorDesk
from bot.operators.export import NoFont, transcript_csv, transcript_pdf
from bot.operators.feed import EventFeed
from bot.operators.inbox import Inbox
from bot.operators.ports import EventLog, HandoffQueue, Presence, TypingStore
from bot.operators.schemas import (
    AssignIn,
    CannedIn,
    CannedListOut,
    CannedOut,
    ConsoleMessageOut,
    DashboardOut,
    FoundOut,
    HandoffDetailOut,
    HandoffOut,
    NoteIn,
    NoteOut,
    NotesOut,
    OperatorOut,
    OperatorsOut,
    PassageOut,
    PassagesOut,
    QueueOut,
    RenderedListOut,
    ReplyOut,
    SearchOut,
    TranscriptOut,
)
from bot.staff.models import StaffMember, StaffRole
from bot.staff.web import StaffGate, StaffPage, require_staff

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SESSION_ENDED = 4401
PAGE = StaffPage(
    path="/operator",
    cookie="perimeter_operator",
    csrf_value="perimeter-console",
    roles=frozenset({StaffRole.OPERATOR, StaffRole.SUPERVISOR}),
    label="the operator console",
    refusal="This account is not an operator's: the console is for operators.",
)


@dataclass
class Console:
    """What the console's endpoints need; built by the container."""

    desk: OperatorDesk
    feed: EventFeed
    events: EventLog
    queue: HandoffQueue
    gate: StaffGate
    presence: Presence
    dashboard: Dashboard
    inbox: Inbox
    pdf_font: Path | None  # a font with Cyrillic glyphs; None: PDF export is off
    typing: TypingStore


def routes(console: Console) -> APIRouter:
    """The console's page, its API under /operator/api and its WebSocket at /operator/ws."""
    desk, feed = console.desk, console.feed
    Member = Annotated[StaffMember, Depends(require_staff(console.gate))]  # noqa: N806 - a type alias
    api = APIRouter(prefix="/operator/api", tags=["operator console"])
    First = Annotated[str, Query(alias="from", pattern=DAY, description="First day, YYYY-MM-DD")]  # noqa: N806
    Last = Annotated[str, Query(alias="to", pattern=DAY, description="Last day, YYYY-MM-DD")]  # noqa: N806

    class ReplyIn(BaseModel):
        """An operator's reply to the customer."""

        text: str = visible_text(desk.max_reply_chars, "The reply.")

    seen = error_responses(401, 403)
    one = "/handoffs/{handoff_id}"
    change = error_responses(401, 403, 404, 409)
    change_with_input = error_responses(401, 403, 404, 409, 422)

    async def changed(view: HandoffView) -> HandoffOut:
        await feed.poke()  # every console sees the change at once
        return HandoffOut.of(view)

    @api.get("/queue", responses=seen, summary="The queue this member may see")
    async def queue(operator: Member) -> QueueOut:
        views = await desk.queue(operator)
        return QueueOut(handoffs=[HandoffOut.of(v) for v in views])

    @api.get(one, responses=error_responses(401, 403, 404), summary="One handoff in full")
    async def handoff(handoff_id: str, operator: Member) -> HandoffDetailOut:
        return HandoffDetailOut.of_detail(await desk.detail(operator, handoff_id))

    @api.post(f"{one}/take", responses=change, summary="Take it (one operator wins)")
    async def take(handoff_id: str, operator: Member) -> HandoffOut:
        return await changed(await desk.take(operator, handoff_id))

    @api.post(f"{one}/messages", status_code=201, responses=change_with_input, summary="Reply")
    async def reply(handoff_id: str, body: ReplyIn, operator: Member) -> ReplyOut:
        message = await desk.reply(operator, handoff_id, body.text)
        await feed.poke()
        return ReplyOut(message=ConsoleMessageOut.of(message))

    @api.post(f"{one}/handback", responses=change, summary="Give it back to the bot")
    async def hand_back(handoff_id: str, operator: Member) -> HandoffOut:
        return await changed(await desk.hand_back(operator, handoff_id))

    @api.post(f"{one}/resolve", responses=change, summary="Close the customer's question")
    async def resolve(handoff_id: str, operator: Member) -> HandoffOut:
        return await changed(await desk.resolve(operator, handoff_id))

    @api.post(f"{one}/assign", responses=change_with_input, summary="Reassign (supervisors)")
    async def assign(handoff_id: str, body: AssignIn, operator: Member) -> HandoffOut:
        return await changed(await desk.assign(operator, handoff_id, body.operator))

    # --- the inbox: canned responses, notes, past conversations ---------------------------
    inbox = console.inbox

    @api.get("/canned", responses=seen, summary="Canned responses")
    async def list_canned(operator: Member) -> CannedListOut:
        return CannedListOut(canned=[CannedOut.model_validate(c) for c in await inbox.canned()])

    @api.post(
        "/canned",
        status_code=201,
        responses=error_responses(401, 403, 409, 422),
        summary="Add a canned response (supervisors)",
    )
    async def add_canned(body: CannedIn, operator: Member) -> CannedOut:
        return CannedOut.model_validate(
            await inbox.save_canned(operator, None, **body.model_dump())
        )

    @api.put(
        "/canned/{canned_id}",
        responses=error_responses(401, 403, 404, 409, 422),
        summary="Change a canned response (supervisors)",
    )
    async def change_canned(canned_id: str, body: CannedIn, operator: Member) -> CannedOut:
        return CannedOut.model_validate(
            await inbox.save_canned(operator, canned_id, **body.model_dump())
        )

    @api.delete(
        "/canned/{canned_id}",
        status_code=204,
        responses=error_responses(401, 403, 404),
        summary="Delete a canned response (supervisors)",
    )
    async def delete_canned(canned_id: str, operator: Member) -> Response:
        await inbox.delete_canned(operator, canned_id)
        return Response(status_code=204)

    @api.get(
        f"{one}/canned",
        responses=error_responses(401, 403, 404),
        summary="Canned responses filled in for this customer",
    )
    async def canned_for(handoff_id: str, operator: Member) -> RenderedListOut:
        return RenderedListOut.of(await inbox.canned_for(operator, handoff_id))

    class TypingOut(BaseModel):
        customer_typing: bool = Field(description="The customer is typing (the last 5 s).")

    @api.get(
        f"{one}/typing", responses=error_responses(401, 403, 404), summary="Is the customer typing"
    )
    async def customer_typing(handoff_id: str, operator: Member) -> TypingOut:
        view = await desk.view(operator, handoff_id)
        typing = await console.typing.typing(view.handoff.conversation_id, "customer")
        return TypingOut(customer_typing=typing)

    @api.put(
        f"{one}/typing",
        status_code=204,
        responses=error_responses(401, 403, 404),
        summary="The operator is typing a reply (the customer sees «оператор печатает…»)",
    )
    async def operator_typing(handoff_id: str, operator: Member) -> Response:
        view = await desk.view(operator, handoff_id)
        if view.handoff.operator != operator.name:
            raise Forbidden("this conversation belongs to another operator")
        await console.typing.mark(view.handoff.conversation_id, "operator")
        return Response(status_code=204)

    @api.get(f"{one}/notes", responses=error_responses(401, 403, 404), summary="Private notes")
    async def notes(handoff_id: str, operator: Member) -> NotesOut:
        return NotesOut(
            notes=[NoteOut.model_validate(n) for n in await inbox.notes(operator, handoff_id)]
        )

    @api.post(
        f"{one}/notes",
        status_code=201,
        responses=error_responses(401, 403, 404, 422),
        summary="Add a private note (never shown to the customer)",
    )
    async def add_note(handoff_id: str, body: NoteIn, operator: Member) -> NoteOut:
        return NoteOut.model_validate(await inbox.add_note(operator, handoff_id, body.text))

    @api.get(
        "/conversations",
        responses=error_responses(401, 403, 422),
        summary="Search past conversations",
        description="By text in any message, conversation id, handoff reason and the day it "
        "started (UTC); all given must hold. Operators find conversations that reached people; "
        "supervisors, any. At most 50, newest first; snippets masked.",
    )
    async def search_conversations(
        operator: Member,
        q: Annotated[str | None, Query(max_length=200, pattern=VISIBLE)] = None,
        conversation: Annotated[str | None, Query(alias="id", max_length=64)] = None,
        reason: Annotated[HandoffReason | None, Query()] = None,
        first: Annotated[str | None, Query(alias="from", pattern=DAY)] = None,
        last: Annotated[str | None, Query(alias="to", pattern=DAY)] = None,
    ) -> SearchOut:
        found = await inbox.search(
            operator,
            text=q,
            conversation_id=conversation,
            reason=reason.value if reason else None,
            first=day(first) if first else None,
            last=day(last) if last else None,
        )
        return SearchOut(conversations=[FoundOut.model_validate(f) for f in found])

    conversation_path = "/conversations/{conversation_id}"

    @api.get(
        f"{conversation_path}/transcript",
        responses=error_responses(401, 403, 404),
        summary="A past conversation's transcript (masked)",
    )
    async def transcript(conversation_id: str, operator: Member) -> TranscriptOut:
        return TranscriptOut.of(await inbox.transcript(operator, conversation_id))

    @api.get(
        f"{conversation_path}/transcript.csv",
        responses=error_responses(401, 403, 404),
        summary="The transcript as CSV (masked)",
        response_class=Response,
    )
    async def transcript_as_csv(conversation_id: str, operator: Member) -> Response:
        found = await inbox.transcript(operator, conversation_id)
        return _attachment(transcript_csv(found), "text/csv; charset=utf-8", conversation_id, "csv")

    @api.get(
        f"{conversation_path}/transcript.pdf",
        responses=error_responses(401, 403, 404, 503),
        summary="The transcript as PDF (masked)",
        response_class=Response,
    )
    async def transcript_as_pdf(conversation_id: str, operator: Member) -> Response:
        found = await inbox.transcript(operator, conversation_id)
        try:
            document = await asyncio.to_thread(transcript_pdf, found, console.pdf_font)
        except NoFont as exc:
            raise Unavailable(str(exc), code="no_pdf_font") from None
        return _attachment(document, "application/pdf", conversation_id, "pdf")

    @api.get(
        "/dashboard",
        responses=error_responses(401, 403, 422),
        summary="The dashboard's figures for a period (supervisors)",
        description="Each day from `from` to `to` (UTC, both included, at most 92 days).",
    )
    async def dashboard(operator: Member, first: First, last: Last) -> DashboardOut:
        return DashboardOut.of(await console.dashboard.period(operator, day(first), day(last)))

    @api.get(
        "/dashboard.csv",
        responses=error_responses(401, 403, 422),
        summary="The dashboard's figures per day as CSV (supervisors)",
        response_class=Response,
    )
    async def dashboard_csv(operator: Member, first: First, last: Last) -> Response:
        period = await console.dashboard.period(operator, day(first), day(last))
        name = f"perimeter-{period.first.isoformat()}-{period.last.isoformat()}.csv"
        return Response(
            as_csv(period),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    class StatusIn(BaseModel):
        away: StrictBool = Field(
            description="true: stepped away, given no conversations; false: back"
        )

    class StatusOut(BaseModel):
        away: bool

    @api.get("/me/status", responses=error_responses(401, 403), summary="Online or away")
    async def my_status(operator: Member) -> StatusOut:
        return StatusOut(away=operator.name in await console.presence.away())

    @api.put("/me/status", responses=error_responses(401, 403, 422), summary="Set online/away")
    async def set_status(body: StatusIn, operator: Member) -> StatusOut:
        await console.presence.set_away(operator.name, body.away)
        log.info("operator status operator=%s away=%s", operator.name, body.away)
        await feed.poke()
        return StatusOut(away=body.away)

    @api.get("/operators", responses=seen, summary="Operators and their load (supervisors)")
    async def operators(operator: Member) -> OperatorsOut:
        rows = await desk.operators(operator)
        online = await console.presence.online()
        away = await console.presence.away()
        return OperatorsOut(
            operators=[
                OperatorOut(
                    name=o.name,
                    display_name=o.display_name,
                    role=o.role.value,
                    open_handoffs=count,
                    online=o.name in online,
                    away=o.name in away,
                )
                for o, count in rows
            ]
        )

    @api.get(
        "/kb/search",
        responses=error_responses(401, 403, 422),
        summary="Search the knowledge base for a passage to quote",
    )
    async def kb_search(
        operator: Member,
        q: Annotated[str, Query(min_length=1, max_length=500, pattern=VISIBLE)],
    ) -> PassagesOut:
        passages = await desk.search(operator, q)
        return PassagesOut(passages=[PassageOut.of(p) for p in passages])

    # A logout wakes the console's sockets: they see the session is gone and close.
    router = console.gate.page_routes(api, STATIC / "console.html", on_logout=feed.poke)
    router.add_api_websocket_route("/operator/ws", _socket(console))

    @router.get("/operator/dashboard", include_in_schema=False)
    async def dashboard_page() -> FileResponse:
        """The supervisors' dashboard: the same login; its API refuses other roles."""
        return FileResponse(STATIC / "dashboard.html", media_type="text/html")

    return router


# --- live updates ---------------------------------------------------------------------------


def _socket(console: Console) -> Callable[[WebSocket], Awaitable[None]]:
    async def console_socket(websocket: WebSocket) -> None:
        """Events as this member may see them (``docs/websockets.md``)."""
        gate = console.gate
        token = gate.token(websocket)
        operator = await gate.member(token)
        if operator is None or not gate.same_origin(websocket):
            await websocket.close(code=SESSION_ENDED if operator is None else 4403)
            return
        await websocket.accept()
        after_raw = websocket.query_params.get("after")
        cursor = (
            int(after_raw)
            if after_raw and after_raw.isascii() and after_raw.isdigit()
            else await console.events.last_event_id()
        )
        await websocket.send_json({"type": "hello", "last_event_id": cursor})
        try:
            async with console.presence.present(operator.name):
                await _follow(websocket, console, operator, token, cursor)
        except (WebSocketDisconnect, RuntimeError, OSError):
            return

    return console_socket


async def _follow(
    websocket: WebSocket, console: Console, operator: StaffMember, token: str | None, cursor: int
) -> None:
    """Send the events after ``cursor`` this member may see, for as long as the socket lives
    and the session lasts."""
    gate = console.gate
    while websocket.client_state is WebSocketState.CONNECTED:
        if await gate.member(token) is None:
            await websocket.close(code=SESSION_ENDED)
            return
        events = await console.events.events_after(cursor)
        for event in events:
            frame = await _frame(console, operator, event)
            if frame is not None:
                await websocket.send_text(json.dumps(frame, default=str))
            cursor = event.id
        if not events:
            await console.feed.wait(cursor, patience_s=5.0)


async def _frame(
    console: Console, operator: StaffMember, event: HandoffEvent
) -> dict[str, object] | None:
    """The event as this operator may see it; None when it is not theirs to see."""
    try:
        view = await console.desk.view(operator, event.handoff_id)
        message = None
        if event.kind is HandoffEventKind.MESSAGE and event.message_id:
            found = await console.desk.message(operator, event.handoff_id, event.message_id)
            message = ConsoleMessageOut.of(found).model_dump(mode="json")
        shown = HandoffOut.of(view).model_dump(mode="json")
        return _event_frame(event, event.conversation_id, shown, message)
    except (Forbidden, NotFound):
        if event.kind is HandoffEventKind.MESSAGE:
            return None
        # A handoff now someone else's: tell the console to drop it from its queue.
        handoff = await console.queue.handoff(event.handoff_id)
        if handoff is None:
            return None
        gone: dict[str, object] = {
            "id": int(handoff.id),
            "status": handoff.status.value,
            "operator": handoff.operator,
        }
        return _event_frame(event, None, gone, None)  # nor whose conversation it is


def _event_frame(
    event: HandoffEvent,
    conversation_id: str | None,
    handoff: dict[str, object],
    message: dict[str, object] | None,
) -> dict[str, object]:
    return {
        "type": "event",
        "id": event.id,
        "kind": event.kind.value,
        "handoff_id": int(event.handoff_id),
        "conversation_id": conversation_id,
        "handoff": handoff,
        "message": message,
    }


def _attachment(body: str | bytes, media_type: str, conversation_id: str, suffix: str) -> Response:
    safe = "".join(ch for ch in conversation_id if ch.isalnum() or ch in "-_")[:64]
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="conversation-{safe}.{suffix}"',
            "Cache-Control": "no-store",
        },
    )
