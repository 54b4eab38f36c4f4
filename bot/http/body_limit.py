"""Request bodies are bounded before anything reads them.

An ASGI middleware, outside every route: a request whose ``Content-Length`` is over its path's
limit is refused with 413 at once, unread; a body sent in chunks is counted as it arrives, and
the request fails with 413 at the first byte over the limit. So no route, and neither JSON nor
multipart parsing, ever holds more than the limit in memory or on disk, whoever sent it.

The limit is per path prefix, the longest prefix winning: document uploads need megabytes, a
chat message a few kilobytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.http.errors import error_body


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a chunked body passes its limit; FastAPI lets an
    HTTPException through its body parsing, and the app's handler renders the 413."""

    code = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=_message(limit))


def _message(limit: int) -> str:
    return f"the request body is over {_size(limit)}"


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.0f} MB"
    return f"{limit / 1024:.0f} KB"


Render = Callable[[str, str], dict[str, Any]]


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        default: int,
        by_prefix: Mapping[str, int],
        render: Render = error_body,
    ) -> None:
        """``render(code, message)``: the refusal's JSON (the app's own error shape)."""
        self.app = app
        self.render = render
        self.default = default
        # Longest prefix first: "/admin/api/documents" before "/admin".
        self.by_prefix = sorted(by_prefix.items(), key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.by_prefix:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit, self.render)
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int, render: Render) -> None:
    body = json.dumps(render("too_large", _message(limit))).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 413, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
