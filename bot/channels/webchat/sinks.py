"""Reply sinks of the web chat: a WebSocket that streams, an HTTP call that collects."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect

from bot.channels.webchat.schemas import SourcePublic
from bot.dialogue.models import Reply, Route


class SocketSender:
    """One browser socket. Frames come from the customer's own turn and, at any moment, from
    an operator (another task): a lock keeps the frames whole and in order."""

    def __init__(self, websocket: WebSocket) -> None:
        self._ws = websocket
        self._lock = asyncio.Lock()
        self.gone = False

    async def send(self, payload: dict[str, Any]) -> bool:
        if self.gone:
            return False
        async with self._lock:
            try:
                await self._ws.send_json(payload)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self.gone = True
        return not self.gone


class WebSocketSink:
    """Streams to the browser; if the browser goes away mid-reply, the reply is still
    finished and stored (the engine must not fail), and shown after the reconnect."""

    def __init__(self, sender: SocketSender) -> None:
        self._sender = sender
        self.message_id: str | None = None
        self._streamed = ""

    @property
    def gone(self) -> bool:
        return self._sender.gone

    async def _send(self, payload: dict[str, Any]) -> None:
        await self._sender.send(payload)

    async def accepted(self, message_id: str) -> None:
        self.message_id = message_id
        await self._send({"type": "ack", "message_id": message_id})

    async def token(self, text: str) -> None:
        self._streamed += text
        await self._send({"type": "token", "text": text})

    async def waiting(self, notice: str) -> None:
        await self._send({"type": "queue", "text": notice})

    async def reply(self, reply: Reply) -> None:
        # The streamed draft had not passed the grounding and figures checks: when the reply
        # is not that draft, the widget says the draft was withdrawn (the review's M2).
        retracted = bool(self._streamed.strip()) and (
            reply.route is not Route.ANSWER or reply.text.strip() != self._streamed.strip()
        )
        await self._send(
            {
                "type": "reply",
                "message_id": reply.message_id,
                "text": reply.text,
                "route": reply.route.value,
                "handoff": reply.handoff is not None,
                "action": reply.action,
                "authenticated": reply.authenticated,
                "sources": [SourcePublic.of(s).model_dump() for s in reply.sources],
                "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
                "retracted": retracted,
            }
        )


class CollectingSink:
    """For clients without WebSocket: keeps the message id, drops the tokens."""

    def __init__(self) -> None:
        self.message_id: str | None = None
        self.final: Reply | None = None

    async def accepted(self, message_id: str) -> None:
        self.message_id = message_id

    async def token(self, text: str) -> None:
        pass

    async def waiting(self, notice: str) -> None:
        pass

    async def reply(self, reply: Reply) -> None:
        self.final = reply
