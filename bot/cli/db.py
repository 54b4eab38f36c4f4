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
    """Apply database migrations."""

    async def job(container: Container) -> None:
        container.database  # noqa: B018 - building it makes running() migrate
        async with container.running():
            pass

    run(job)
    typer.echo("database is up to date")
