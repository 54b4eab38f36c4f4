"""``perimeter privacy …``: data-subject requests and the retention purge (``bot.privacy``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from bot.cli.runtime import fail, run

if TYPE_CHECKING:
    from bot.container import Container
    from bot.privacy.ports import Purged

app = typer.Typer(
    help="Personal data: a customer's export and erasure, and the retention purge.",
    no_args_is_help=True,
)

T = TypeVar("T")


def _run(job: Callable[[Container], Coroutine[Any, Any, T]]) -> T:
    """``runtime.run``, with a wrong privacy key said plainly."""
    from bot.privacy.sealing import SealError

    try:
        return run(job)
    except SealError as exc:
        fail(str(exc), 2)


Customer = Annotated[str, typer.Argument(help="The customer's id in the bank's systems.")]


@app.command("export")
def export(
    customer: Customer,
    out: Annotated[
        Path | None, typer.Option(help="Write the JSON here (default: standard output).")
    ] = None,
) -> None:
    """Everything kept about a customer, as JSON (audited)."""

    async def job(container: Container) -> dict[str, Any]:
        requests = container.data_subject_requests  # built before the container runs
        async with container.running():
            return await requests.export(customer)

    document = json.dumps(_run(job), ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(document)
        return
    out.write_text(document + "\n", encoding="utf-8")
    typer.echo(f"written to {out}", err=True)


@app.command("forget")
def forget(
    customer: Customer,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every conversation the customer was in, with its messages and handoffs (the
    core-banking audit log stays; audited)."""
    if not yes and not typer.confirm(
        f"Delete every conversation of customer {customer}? This cannot be undone"
    ):
        fail("nothing deleted", 1)

    async def job(container: Container) -> int:
        requests = container.data_subject_requests  # built before the container runs
        async with container.running():
            return await requests.forget(customer)

    typer.echo(f"deleted {_run(job)} conversations")


@app.command("new-key")
def new_key() -> None:
    """Print a new key for PERIMETER_PRIVACY__RAW_TEXT_KEY (keep it in the bank's vault)."""
    from bot.privacy.sealing import new_key as make

    typer.echo(make())


@app.command("purge")
def purge() -> None:
    """Delete now what the retention settings (PERIMETER_PRIVACY__*) say is past its time."""

    async def job(container: Container) -> Purged:
        requests = container.data_subject_requests  # built before the container runs
        async with container.running():
            return await requests.purge()

    purged = _run(job)
    typer.echo(
        f"deleted {purged.conversations} conversations, {purged.audit_entries} audit entries, "
        f"{purged.telegram_updates} Telegram updates, {purged.web_tokens} used web tokens"
    )
