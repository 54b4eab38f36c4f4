"""``perimeter db …``: the database schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli.runtime import run

if TYPE_CHECKING:
    from bot.container import Container

app = typer.Typer(help="Database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply database migrations: the deployment's migration step, before any replica of
    the new version starts (they refuse an old schema). Safe to run from several places at
    once: they take turns, and the later ones find nothing to do."""

    async def job(container: Container) -> None:
        await container.upgrade_database()

    run(job)
    typer.echo("database is up to date")
