"""Every request is counted by its route's template, timed, given an id and answered with the
security headers, whatever the route returns or raises (``bot.http.observed``)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from bot.http.observed import HSTS, Observed
from bot.observability.logs import REQUEST_ID_HEADER
from bot.observability.metrics import Metrics

HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def observed_app() -> tuple[FastAPI, Metrics]:
    metrics = Metrics(CollectorRegistry())
    app = FastAPI()
    app.add_middleware(Observed, metrics=metrics, headers=HEADERS)

    @app.get("/api/conversations/{conversation_id}")
    async def conversation(conversation_id: str) -> dict[str, str]:
        return {"id": conversation_id}

    @app.get("/own-policy")
    async def own_policy() -> dict[str, str]:
        return {}

    @app.get("/broken")
    async def broken() -> dict[str, str]:
        raise RuntimeError("a bug")

    return app, metrics


def count(metrics: Metrics, method: str, path: str, status: str) -> float:
    value = metrics.registry.get_sample_value(
        "perimeter_http_requests_total", {"method": method, "path": path, "status": status}
    )
    return value or 0.0


async def test_a_request_is_counted_by_its_template_with_headers_and_an_id() -> None:
    app, metrics = observed_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/api/conversations/c-secret-id")
        offered = await http.get("/api/conversations/x", headers={REQUEST_ID_HEADER: "abc-123"})
        missing = await http.get("/nowhere")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert len(response.headers[REQUEST_ID_HEADER]) == 32
    assert offered.headers[REQUEST_ID_HEADER] == "abc-123"
    assert "Strict-Transport-Security" not in response.headers  # plain http
    # The template, never the path: the id in it is not a label.
    assert count(metrics, "GET", "/api/conversations/{conversation_id}", "200") == 2
    assert count(metrics, "GET", "unmatched", "404") == 1
    assert missing.headers["Referrer-Policy"] == "no-referrer"
    samples = metrics.registry.get_sample_value("perimeter_stage_seconds_count", {"stage": "http"})
    assert samples == 3


async def test_https_gets_hsts_and_an_exception_is_counted_as_500() -> None:
    app, metrics = observed_app()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://test") as http:
        secure = await http.get("/own-policy")
        failed = await http.get("/broken")
    assert secure.headers["Strict-Transport-Security"] == HSTS
    assert failed.status_code == 500
    assert count(metrics, "GET", "/broken", "500") == 1


async def test_websockets_pass_through_untouched() -> None:
    seen: list[str] = []

    async def inner(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(str(scope["type"]))

    middleware = Observed(inner, Metrics(CollectorRegistry()), HEADERS)  # type: ignore[arg-type]
    await middleware({"type": "websocket"}, None, None)  # type: ignore[arg-type]
    assert seen == ["websocket"]


@pytest.mark.parametrize("status", [201, 204])
async def test_every_status_is_counted(status: int) -> None:
    metrics = Metrics(CollectorRegistry())
    app = FastAPI()
    app.add_middleware(Observed, metrics=metrics, headers=HEADERS)

    @app.post("/things", status_code=status)
    async def things() -> None:
        return None

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.post("/things")
    assert response.status_code == status
    assert count(metrics, "POST", "/things", str(status)) == 1
