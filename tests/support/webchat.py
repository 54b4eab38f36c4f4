"""Talk to the web chat as its widget does: the conversation's secret proven on every call
(``Authorization: Bearer`` over HTTP, the first ``hello`` frame on the WebSocket)."""

from __future__ import annotations

import json
from typing import Any

import httpx
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


def ask(base_url: str, text: str) -> dict[str, Any]:
    """One question in a new conversation over HTTP; the reply's JSON."""
    conversation, key = bearer(httpx.post(f"{base_url}/api/conversations", timeout=30).json())
    response = httpx.post(
        f"{base_url}/api/conversations/{conversation}/messages",
        json={"text": text},
        headers=key,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())
