"""``perimeter auth …``: customer authentication helpers."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.runtime import fail, settings
from bot.web_token import sign_token as sign

app = typer.Typer(help="Customer authentication.", no_args_is_help=True)


@app.command("sign-token")
def sign_token(
    customer_id: Annotated[str, typer.Argument(help="The customer the bank's site vouches for.")],
    lifetime: Annotated[int, typer.Option(help="Seconds until it expires.", min=1)] = 120,
) -> None:
    """Sign a one-time web token as the bank's site would (demo and testing)."""
    loaded = settings()
    if not loaded.demo:
        fail(
            "sign-token mints a login for any customer: it is a demo tool, refused unless "
            "PERIMETER_DEMO=true (a demo installation; the bank's site signs real tokens)",
            2,
        )
    secret = loaded.auth.web_token_secret
    if secret is None:
        fail("PERIMETER_AUTH__WEB_TOKEN_SECRET is not set", 2)
    if lifetime > loaded.auth.web_token_max_age_s:
        fail(
            f"--lifetime {lifetime} exceeds PERIMETER_AUTH__WEB_TOKEN_MAX_AGE_S "
            f"({loaded.auth.web_token_max_age_s:.0f}); the chat would refuse it",
            2,
        )
    typer.echo(
        sign(
            secret.get_secret_value(),
            customer_id,
            audience=loaded.auth.web_token_audience,
            lifetime_s=lifetime,
        )
    )
