"""Talk to the web chat as its widget does: the conversation's secret proven on every call
(``Authorization: Bearer`` over HTTP, the first ``hello`` frame on the WebSocket)."""

from __future__ import annotations

import json
from typing import Any

import websockets


def bearer(created: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The id and the request headers of a conversation ``POST /api/conversations`` made."""
    return created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}


async def open_chat(url: str, resume: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """A connected socket and its ``conversation`` frame; ``resume`` is an earlier
    ``conversation`` frame (its id and token), else a new conversation starts."""
    ws = await websockets.connect(url)
    hello: dict[str, Any] = {"type": "hello"}
    if resume is not None:
        hello |= {"conversation_id": resume["conversation_id"], "token": resume["token"]}
    await ws.send(json.dumps(hello))
    greeting = json.loads(await ws.recv())
    assert greeting["type"] == "conversation", greeting
    return ws, greeting
