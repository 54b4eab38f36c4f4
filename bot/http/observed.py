"""Every HTTP request counted, timed, given an id for its log lines, and answered with the
security headers.

A plain ASGI middleware, the outermost one: it wraps ``send`` to add the headers to the
response's start message and to read its status, and adds nothing else to the request's
path. (Starlette's ``BaseHTTPMiddleware`` runs each request through an extra task and a
memory stream: under load that was a few percent of the event loop's time per reply.)

Requests are counted by their route's template, never by the path: a path may carry an id.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.observability.logs import REQUEST_ID_HEADER, begin_request
from bot.observability.metrics import Metrics

HSTS = "max-age=31536000; includeSubDomains"


class Observed:
    def __init__(self, app: ASGIApp, metrics: Metrics, headers: Mapping[str, str]) -> None:
        self.app = app
        self.metrics = metrics
        self.headers = dict(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = begin_request(Headers(scope=scope).get(REQUEST_ID_HEADER))
        # https directly, or the trusted proxy's X-Forwarded-Proto (uvicorn rewrites the scope)
        secure = scope.get("scheme") == "https"
        status = 500  # unless the app starts a response: an exception escaping it is a 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if secure:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope["method"], path, str(status)).inc()
            self.metrics.stage_seconds.labels("http").observe(time.perf_counter() - started)
