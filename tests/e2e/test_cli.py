"""The command line as a whole: settings it cannot use stop it with the setting's name."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app


def test_cli_reports_invalid_settings_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERIMETER_HTTP__PORT", "not-a-port")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "PERIMETER_HTTP__PORT" in result.output
