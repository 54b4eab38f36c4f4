"""``perimeter audit``: the calls made to the bank's core systems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.runtime import run
from bot.dialogue.models import AuditEntry

if TYPE_CHECKING:
    from bot.container import Container


def audit(
    conversation: Annotated[str | None, typer.Option(help="One conversation.")] = None,
    customer: Annotated[str | None, typer.Option(help="One customer id.")] = None,
    hours: Annotated[float, typer.Option(help="Only the last N hours.", min=0)] = 24.0,
    limit: Annotated[int, typer.Option(help="At most N entries.", min=1, max=10_000)] = 100,
) -> None:
    """Calls to the bank's core systems: when, which conversation and customer, what, outcome."""

    async def job(container: Container) -> list[AuditEntry]:
        conversations = container.stores.conversations
        async with container.running():
            return await conversations.list_audit(
                conversation_id=conversation,
                customer_id=customer,
                since=datetime.now(UTC) - timedelta(hours=hours),
                limit=limit,
            )

    entries = run(job)
    typer.echo(
        f"{'at (UTC)':<20} {'conversation':<26} {'customer':<12} {'action':<20} "
        f"{'outcome':<20} {'ms':>7}"
    )
    for e in entries:
        at = e.at.strftime("%Y-%m-%d %H:%M:%S") if e.at else "-"
        typer.echo(
            f"{at:<20} {e.conversation_id:<26} {e.customer_id or '-':<12} {e.action:<20} "
            f"{e.outcome:<20} {e.latency_ms:>7.1f}"
        )
    typer.echo(f"{len(entries)} entries", err=True)
