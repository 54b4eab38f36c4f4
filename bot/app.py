"""The web application: ASGI apps assembled from the routes each surface exposes.

For customers:
- the web chat (``bot.channels.webchat``): the widget at /, its API under /api, /ws/chat;
- Telegram's webhook (``bot.channels.telegram``), when configured: /telegram/webhook.

For staff and the bank's monitoring:
- the operator console (``bot.operators``): /operator, /operator/api, /operator/ws;
- the knowledge-base admin (``bot.content``): /admin, /admin/api;
- metrics: /metrics; with ``PERIMETER_HTTP__API_DOCS=true``, /openapi.json and /docs.

The gateway (``bot.gateway``), with ``gateway.port`` set, is a third app on that port: the
OpenAI API's /v1 for the bank's other systems.

Both have /healthz. On the embedded defaults one app serves both on ``http.port``; with
``http.staff_port`` set, ``perimeter serve`` serves them as two apps on two ports, and the
customers' port has no staff page, metrics or API description at all.

Every refusal has the body ``bot.http.errors.ErrorOut``; every response carries the
security headers below. The container starts and stops what the app uses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.channels.telegram.webhook import webhook_router
from bot.channels.webchat import api as webchat_api
from bot.container import Container
from bot.content import api as admin_api
from bot.gateway import api as gateway_api
from bot.http.body_limit import BodyLimit
from bot.http.docs import describe
from bot.http.errors import (
    ApiError,
    api_error_handler,
    http_error_handler,
    validation_error_handler,
)
from bot.http.observed import Observed
from bot.observability.metrics import Metrics
from bot.operators import api as console_api
from bot.readiness import OK, Readiness
from rag.documents import MAX_BINARY_FILE_BYTES

STAFF_STATIC = Path(__file__).parent / "staff" / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        # 'self' covers the page's own ws:/wss: origin (CSP 3): no socket to another host.
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class HealthOut(BaseModel):
    status: str
    llm: str


class ReadyOut(BaseModel):
    status: str = Field(description="ready, or not_ready (then 503)")
    checks: dict[str, str] = Field(description="Each part: ok, or why it is not ready.")


class Surface(StrEnum):
    """Which routes an app serves."""

    ALL = "all"  # one port for everything: the embedded defaults
    CUSTOMERS = "customers"  # owns the container's start and stop
    STAFF = "staff"  # shares a container the customers' app runs


def create_app(
    container: Container, *, ingest_dir: Path | None = None, surface: Surface = Surface.ALL
) -> FastAPI:
    """The web app of ``surface`` over ``container``. Except for the staff surface, at
    startup the container migrates the database, loads the models and starts the background
    services, and ``ingest_dir`` fills an empty index (or rebuilds one built with another
    embedding model)."""
    web_chat = container.web_chat
    console = container.console
    admin = container.admin
    webhook = container.telegram_webhook
    container.telegram_sender  # noqa: B018 - built now: operators reach Telegram customers
    container.sweeper  # noqa: B018 - built now: it runs while the app does
    container.retention_job  # noqa: B018 - likewise
    container.index_follower  # noqa: B018 - likewise (an index of its own follows the others)
    backend = type(container.chat_backend.model).__name__
    customers = surface in (Surface.ALL, Surface.CUSTOMERS)
    staff = surface in (Surface.ALL, Surface.STAFF)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not customers:  # the customers' app runs the container
            yield
            return
        async with container.running():
            await container.prepare_index(ingest_dir)
            warnings = asyncio.create_task(container.warn_if_demo())
            yield
            warnings.cancel()

    app = FastAPI(
        title="Perimeter",
        version="0.1.0",
        summary="Self-hosted customer support for banks: web chat, operator console, KB admin.",
        lifespan=lifespan,
        openapi_url=None,  # bot.http.docs serves it, when the settings ask for it
        docs_url=None,
        redoc_url=None,
    )
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_middleware(BodyLimit, **body_limits(container))
    app.add_middleware(Observed, metrics=container.metrics, headers=SECURITY_HEADERS)  # outermost
    app.include_router(_health_routes(backend, container.readiness))
    if customers:
        app.include_router(webchat_api.routes(web_chat))
        if webhook is not None:
            app.include_router(webhook_router(webhook))
        app.mount("/static", StaticFiles(directory=webchat_api.STATIC), name="static")
    if staff:
        app.include_router(console_api.routes(console))
        app.include_router(admin_api.routes(admin))
        app.include_router(_metrics_route(container.metrics))
        app.mount(
            "/operator/static", StaticFiles(directory=console_api.STATIC), name="operator-static"
        )
        app.mount("/admin/static", StaticFiles(directory=admin_api.STATIC), name="admin-static")
        app.mount("/staff/static", StaticFiles(directory=STAFF_STATIC), name="staff-static")
        if container.settings.http.api_docs:
            describe(app)
    return app


def create_gateway_app(container: Container) -> FastAPI:
    """The OpenAI-compatible gateway (``bot.gateway``) as an app of its own, for its own port,
    with /healthz and /readyz. The customers' app starts and stops the container it shares."""
    app = gateway_api.gateway_app(container.gateway, container.settings.gateway.max_body_bytes)
    app.add_middleware(Observed, metrics=container.metrics, headers=SECURITY_HEADERS)
    backend = type(container.chat_backend.model).__name__
    app.include_router(_health_routes(backend, container.readiness))
    return app


def body_limits(container: Container) -> dict[str, Any]:
    """The largest body each path takes: a document upload its file, a chat message its
    frame, the rest ``http.max_body_bytes``."""
    settings = container.settings
    default = settings.http.max_body_bytes
    return {
        "default": default,
        "by_prefix": {
            "/admin/api/documents": MAX_BINARY_FILE_BYTES + 64 * 1024,
            "/api/conversations": max(default, settings.chat.max_frame_bytes),
        },
    }


def _health_routes(backend: str, readiness: Readiness) -> APIRouter:
    router = APIRouter(tags=["service"])

    @router.get("/healthz", summary="The process is up (liveness)")
    async def healthz() -> HealthOut:
        return HealthOut(status="ok", llm=backend)

    @router.get(
        "/readyz",
        summary="It can serve customers now (readiness)",
        responses={503: {"model": ReadyOut, "description": "A part is not ready."}},
    )
    async def readyz(response: Response) -> ReadyOut:
        checks = await readiness.check()
        ready = all(result == OK for result in checks.values())
        if not ready:
            response.status_code = 503
        return ReadyOut(status="ready" if ready else "not_ready", checks=checks)

    return router


def _metrics_route(metrics: Metrics) -> APIRouter:
    router = APIRouter(tags=["service"])

    @router.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
