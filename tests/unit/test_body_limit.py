"""Request bodies are refused over their path's limit before any route reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.http.body_limit import BodyLimit
from bot.http.errors import http_error_handler

LIMIT = 1024
UPLOADS = 8 * 1024


def app_with_limit() -> tuple[FastAPI, list[int]]:
    app = FastAPI()
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_middleware(BodyLimit, default=LIMIT, by_prefix={"/admin/api/documents": UPLOADS})
    seen: list[int] = []

    @app.post("/api/echo")
    async def echo(body: dict[str, str]) -> dict[str, int]:
        seen.append(len(body["text"]))
        return {"chars": len(body["text"])}

    @app.post("/admin/api/documents")
    async def upload(request: Request) -> dict[str, int]:
        data = await request.body()
        seen.append(len(data))
        return {"bytes": len(data)}

    return app, seen


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    app, seen = app_with_limit()
    async with client(app) as http:
        response = await http.post("/api/echo", json={"text": "я" * LIMIT})
    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": "the request body is over 1 KB"}
    assert seen == []


async def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    app, seen = app_with_limit()

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):  # far more than the limit, with no Content-Length
            yield b"-" * 100
        yield b'"}'

    async with client(app) as http:
        response = await http.post(
            "/api/echo", content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert seen == []


async def test_bodies_within_the_limit_reach_the_route() -> None:
    app, seen = app_with_limit()
    async with client(app) as http:
        small = await http.post("/api/echo", json={"text": "привет"})
        upload = await http.post("/admin/api/documents", content=b"x" * (4 * LIMIT))
        too_big_upload = await http.post("/admin/api/documents", content=b"x" * (UPLOADS + 1))
    assert small.json() == {"chars": 6}
    assert upload.json() == {"bytes": 4 * LIMIT}  # the longer prefix's limit applies
    assert too_big_upload.status_code == 413
    assert seen == [6, 4 * LIMIT]


def test_the_longest_prefix_wins() -> None:
    limit = BodyLimit(
        app_with_limit()[0], default=10, by_prefix={"/admin": 20, "/admin/api/documents": 30}
    )
    assert limit.limit_for("/admin/api/documents/x/draft") == 30
    assert limit.limit_for("/admin/api/gaps") == 20
    assert limit.limit_for("/api/conversations") == 10
