"""What every command shares: settings (with readable errors), logging without personal
data, the container, and one way to fail."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from bot.observability.logs import configure_logging
from bot.settings import LogFormat, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.container import Container

T = TypeVar("T")


# Libraries that would call home: Hugging Face (model downloads and telemetry), LangChain's
# LangSmith tracing. The bank's network has no route out; nothing should try. A variable the
# bank sets itself is left as it is.
NO_TELEMETRY = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGSMITH_TRACING": "false",
    "DO_NOT_TRACK": "1",
}


def settings(**overrides: Any) -> Settings:
    """The settings, or exit 2 naming each invalid one; telemetry off for the process."""
    for name, value in NO_TELEMETRY.items():
        os.environ.setdefault(name, value)
    try:
        loaded = load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc), 2)
    configure_logging(loaded.log_level, json_lines=loaded.log_format is LogFormat.JSON)
    # httpx logs full request URLs at INFO: they may carry phones and account ids.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(
            max(logging.WARNING, logging.getLevelName(loaded.log_level))
        )
    return loaded


def limit_blas_threads(threads: int) -> None:
    """BLAS libraries loaded now use ``threads`` threads, and so do those loaded later (their
    variables are read when they load); for the serving processes. A variable the bank sets
    itself is left as it is."""
    from threadpoolctl import threadpool_limits

    for name in BLAS_THREADS:
        os.environ.setdefault(name, str(threads))
    threadpool_limits(limits=threads, user_api="blas")


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


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
    from bot.lifecycle import StartupRefused
    from rag.errors import RagError

    container = build_container(loaded or settings())
    try:
        return asyncio.run(job(container))
    except ApiError as exc:
        fail(exc.message, 2 if exc.status in (413, 422) else 1)
    except (RagError, StartupRefused) as exc:
        fail(str(exc))
