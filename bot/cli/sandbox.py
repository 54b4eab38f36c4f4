"""``perimeter sandbox``: the sandbox ABS/CRM for the demo and tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.runtime import fail, settings


def sandbox(
    data: Annotated[Path, typer.Option(help="Seed JSON.")] = Path("examples/bank.json"),
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8090,
    demo_phone: Annotated[
        bool, typer.Option(help="Show the SMS outbox at /demo/phone without the token.")
    ] = False,
) -> None:
    """Serve the sandbox ABS/CRM (token: PERIMETER_CORE_BANKING__TOKEN)."""
    from integrations.core_banking.sandbox.__main__ import serve as serve_sandbox

    token = settings().core_banking.token
    if token is None or len(token.get_secret_value()) < 16:
        fail("PERIMETER_CORE_BANKING__TOKEN must be set (at least 16 characters)", 2)
    raise typer.Exit(
        serve_sandbox(
            data,
            host=host,
            port=port,
            token=token.get_secret_value(),
            database_url="sqlite+aiosqlite://",
            demo_phone=demo_phone,
        )
    )
