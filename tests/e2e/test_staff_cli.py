"""``perimeter staff …`` from the terminal, over a real SQLite database."""

from __future__ import annotations

import time
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.staff.accounts import DEMO_PASSWORD
from tests.support.console import add_staff
from tests.support.servers import perimeter_server

PASSWORD = "correct horse battery"


def test_cli_adds_lists_and_refuses(tmp_path: Path, clean_env: None) -> None:
    runner = CliRunner()
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
    unmigrated = runner.invoke(
        app, ["staff", "add", "olga", "--password-stdin"], input=f"{PASSWORD}\n", env=env
    )
    assert unmigrated.exit_code == 1
    assert "no schema yet: run `perimeter db upgrade` first" in unmigrated.output
    upgraded = runner.invoke(app, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0 and "up to date" in upgraded.output
    added = runner.invoke(
        app,
        ["staff", "add", "olga", "--role", "supervisor", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    again = runner.invoke(
        app, ["staff", "add", "olga", "--password-stdin"], input=f"{PASSWORD}\n", env=env
    )
    assert again.exit_code == 1 and "already exists" in again.output
    kept = runner.invoke(
        app,
        ["staff", "add", "olga", "--password-stdin", "--exist-ok"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    assert kept.exit_code == 0 and "unchanged" in kept.output
    weak = runner.invoke(app, ["staff", "add", "ivan", "--password-stdin"], input="123\n", env=env)
    assert weak.exit_code == 2 and "at least 12" in weak.output
    listed = runner.invoke(app, ["staff", "list"], env=env)
    assert "olga" in listed.output and "supervisor" in listed.output
    assert "ivan" not in listed.output
    old_name = runner.invoke(app, ["operators", "list"], env=env)
    assert old_name.exit_code == 0 and "olga" in old_name.output, "earlier scripts keep working"
    report = runner.invoke(app, ["report", "--day", "not-a-date"], env=env)
    assert report.exit_code == 2 and "YYYY-MM-DD" in report.output


def test_sign_token_is_a_demo_tool(clean_env: None) -> None:
    """The review's L4: minting a login for any customer is refused outside a demo."""
    runner = CliRunner()
    secret = {"PERIMETER_AUTH__WEB_TOKEN_SECRET": "s" * 40}
    refused = runner.invoke(app, ["auth", "sign-token", "c-2001"], env=secret)
    assert refused.exit_code == 2 and "demo tool" in refused.output
    demo = runner.invoke(
        app, ["auth", "sign-token", "c-2001"], env={**secret, "PERIMETER_DEMO": "true"}
    )
    assert demo.exit_code == 0 and demo.output.count(".") == 2, "a JWT"


def test_startup_warns_of_staff_accounts_with_the_demo_password(tmp_path: Path) -> None:
    """The review's L5: a bank that kept `make run`'s demo accounts is told at every start."""
    add_staff(tmp_path, "operator", "operator", "Анна", password=DEMO_PASSWORD)
    add_staff(tmp_path, "olga", "supervisor", "Ольга")
    with perimeter_server(tmp_path) as running:
        deadline = time.monotonic() + 30
        while "demo password" not in running.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        log = running.log_text()
    assert "staff login operator still has the demo password" in log
    assert "staff login olga" not in log
