"""``perimeter serve`` (the web app) and ``perimeter telegram`` (the bot by long polling)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.cli.runtime import fail, limit_blas_threads, settings

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Serve the web chat, the operator console, the KB admin, /healthz and /metrics (the
    staff pages and /metrics on their own port when PERIMETER_HTTP__STAFF_PORT is set), and
    the OpenAI-compatible gateway on PERIMETER_GATEWAY__PORT when it is set."""
    import uvicorn

    from bot.app import Surface, create_app, create_gateway_app
    from bot.container import build_container
    from bot.http.serving import serve_apart
    from bot.lifecycle import StartupRefused
    from rag.errors import RagError

    loaded = settings()
    limit_blas_threads(loaded.embeddings.blas_threads)
    kb_dir = loaded.kb_dir if loaded.kb_dir.is_dir() else None
    apart = loaded.http.staff_port is not None
    try:
        container = build_container(loaded)
        asyncio.run(container.check_database())
        web = create_app(
            container, ingest_dir=kb_dir, surface=Surface.CUSTOMERS if apart else Surface.ALL
        )
        staff = create_app(container, surface=Surface.STAFF) if apart else None
        gateway_port = loaded.gateway.port
        gateway = create_gateway_app(container) if gateway_port is not None else None
    except (RagError, ValueError, StartupRefused) as exc:
        fail(str(exc))
    common: dict[str, Any] = {
        # What a connection may buffer; a frame over the chat's own limit is refused with
        # a «too long» error frame, unparsed, and the connection stays open.
        "ws_max_size": 1024 * 1024,
        "proxy_headers": True,
        "forwarded_allow_ips": loaded.http.forwarded_allow_ips,
        "log_level": loaded.log_level.lower(),
        # JSON lines: uvicorn's loggers go through the process's handler (request ids too).
        **({"log_config": None} if loaded.log_format == "json" else {}),
        # SIGTERM: requests and sockets in flight get this long before they are cancelled;
        # then the container stops (summaries being written get the same grace).
        "timeout_graceful_shutdown": loaded.http.shutdown_grace_s,
    }
    customers = uvicorn.Config(
        web, host=host or loaded.http.host, port=port or loaded.http.port, **common
    )
    others = []
    if staff is not None:
        others.append(
            uvicorn.Config(
                staff,
                host=loaded.http.staff_host,
                port=loaded.http.staff_port or 0,
                lifespan="off",  # the customers' app starts and stops the shared container
                **common,
            )
        )
    if gateway is not None:
        others.append(
            uvicorn.Config(
                gateway, host=loaded.gateway.host, port=gateway_port or 0, lifespan="off", **common
            )
        )
    if not others:
        uvicorn.Server(customers).run()
        return
    if not asyncio.run(serve_apart(customers, *others)):
        fail("the staff or gateway port could not be served (is it taken?)")


def telegram() -> None:
    """Run the Telegram bot with long polling (PERIMETER_TELEGRAM__TOKEN, __API_BASE)."""
    from bot.container import build_container
    from bot.lifecycle import StartupRefused

    loaded = settings()
    limit_blas_threads(loaded.embeddings.blas_threads)
    token = loaded.telegram.token
    if token is None:
        fail("PERIMETER_TELEGRAM__TOKEN is not set (a token from @BotFather)", 2)
    try:
        asyncio.run(_poll(build_container(loaded), token.get_secret_value()))
    except StartupRefused as exc:
        fail(str(exc))


async def _poll(container: Container, token: str) -> None:
    from bot.channels.telegram.app import resume_unfinished

    settings = container.settings
    channel = container.telegram(token)
    kb_dir = settings.kb_dir if settings.kb_dir.is_dir() else None
    async with container.running():
        await container.prepare_index(kb_dir)
        resumed = await resume_unfinished(channel.dispatcher, channel.bot, channel.chats)
        log.info("telegram: resumed %d unfinished updates", resumed)
        await channel.dispatcher.start_polling(
            channel.bot,
            polling_timeout=settings.telegram.polling_timeout_s,
            handle_signals=True,
            close_bot_session=False,  # the container closes it
        )
