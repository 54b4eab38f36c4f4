"""``perimeter serve`` (the web app) and ``perimeter telegram`` (the bot by long polling)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.runtime import fail, settings

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Serve the web chat, the operator console, the KB admin, /healthz and /metrics."""
    import uvicorn

    from bot.app import create_app
    from bot.container import build_container
    from rag.errors import RagError

    loaded = settings()
    kb_dir = loaded.kb_dir if loaded.kb_dir.is_dir() else None
    try:
        web = create_app(build_container(loaded), ingest_dir=kb_dir)
    except (RagError, ValueError) as exc:
        fail(str(exc))
    uvicorn.run(
        web,
        host=host or loaded.http.host,
        port=port or loaded.http.port,
        # What a connection may buffer; a frame over the chat's own limit is refused with
        # a «too long» error frame, unparsed, and the connection stays open.
        ws_max_size=1024 * 1024,
        proxy_headers=True,
        forwarded_allow_ips=loaded.http.forwarded_allow_ips,
        log_level=loaded.log_level.lower(),
    )


def telegram() -> None:
    """Run the Telegram bot with long polling (PERIMETER_TELEGRAM__TOKEN, __API_BASE)."""
    from bot.container import build_container

    loaded = settings()
    token = loaded.telegram.token
    if token is None:
        fail("PERIMETER_TELEGRAM__TOKEN is not set (a token from @BotFather)", 2)
    asyncio.run(_poll(build_container(loaded), token.get_secret_value()))


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
