"""``perimeter``: the command line of the product, one module per command group.

Every command builds what it needs from the container (``bot.container``) and runs it inside
``container.running()``; ``runtime`` holds the settings loading, the container runner and the
one way to fail.
"""

from __future__ import annotations

import typer

from bot.cli import auth, db, gateway, kb, models, privacy, staff
from bot.cli.audit import audit
from bot.cli.eval import evaluate
from bot.cli.report import report
from bot.cli.sandbox import sandbox
from bot.cli.serve import serve, telegram

app = typer.Typer(
    help="Perimeter: a self-hosted support assistant for banks.", no_args_is_help=True
)
app.add_typer(kb.app, name="kb")
app.add_typer(staff.app, name="staff")
app.add_typer(staff.app, name="operators", hidden=True)  # the name of earlier releases
app.add_typer(models.app, name="models")
app.add_typer(db.app, name="db")
app.add_typer(auth.app, name="auth")
app.add_typer(privacy.app, name="privacy")
app.add_typer(gateway.app, name="gateway")
app.command("serve")(serve)
app.command("telegram")(telegram)
app.command("eval")(evaluate)
app.command("report")(report)
app.command("audit")(audit)
app.command("sandbox")(sandbox)


def main() -> None:
    app()
