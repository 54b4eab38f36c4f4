"""``perimeter staff …`` from the terminal, over a real SQLite database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

PASSWORD = "correct horse battery"


def test_cli_adds_lists_and_refuses(tmp_path: Path, clean_env: None) -> None:
    runner = CliRunner()
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
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
