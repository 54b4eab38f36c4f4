"""What every command shares: settings (with readable errors), logging without personal
data, the container, and one way to fail."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.container import Container

T = TypeVar("T")


def settings(**overrides: Any) -> Settings:
    """The settings, or exit 2 naming each invalid one."""
    try:
        loaded = load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc), 2)
    logging.basicConfig(
        level=loaded.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs full request URLs at INFO: they may carry phones and account ids.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(
            max(logging.WARNING, logging.getLevelName(loaded.log_level))
        )
    return loaded


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` in red on stderr and exit with ``code`` (2: the input was wrong)."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def run(job: Callable[[Container], Coroutine[Any, Any, T]], loaded: Settings | None = None) -> T:
    """Build the container, let ``job`` ask for what it needs and use it while it runs.

    ``job`` receives the container before it starts: whatever it touches first is started
    by ``container.running()``, which the job enters itself. Refusals of the services (an
    ``ApiError``) and of the knowledge base end the command with their message.
    """
    from bot.container import build_container  # the heavy imports, only when needed
    from bot.http.errors import ApiError
    from rag.errors import RagError

    container = build_container(loaded or settings())
    try:
        return asyncio.run(job(container))
    except ApiError as exc:
        fail(exc.message, 2 if exc.status in (413, 422) else 1)
    except RagError as exc:
        fail(str(exc))
