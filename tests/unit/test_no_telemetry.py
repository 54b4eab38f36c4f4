"""Every ``perimeter`` command turns the libraries' telemetry and downloads off (security
review M8), and leaves a variable the bank set itself alone."""

from __future__ import annotations

import os

import pytest

from bot.cli.runtime import NO_TELEMETRY, settings


def test_settings_turn_telemetry_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NO_TELEMETRY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGSMITH_TRACING", "true")  # the bank's own choice stays
    settings()
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["LANGCHAIN_TRACING_V2"] == "false"
    assert os.environ["LANGSMITH_TRACING"] == "true"
