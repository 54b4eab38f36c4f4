from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import LLMBackend, SettingsError, load_settings

pytestmark = pytest.mark.usefixtures("clean_env")


def test_defaults_are_the_embedded_setup() -> None:
    settings = load_settings()
    assert settings.data_dir == Path("var")
    assert settings.llm.backend is LLMBackend.AUTO
    assert settings.qdrant.url is None
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.database_url.endswith("var/perimeter.db")
    assert settings.http.port == 8080


def test_nested_sections_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERIMETER_LLM__BACKEND", "ollama")
    monkeypatch.setenv("PERIMETER_LLM__OLLAMA_HOST", "http://127.0.0.1:11434")
    monkeypatch.setenv("PERIMETER_RETRIEVAL__TOP_K", "7")
    settings = load_settings()
    assert settings.llm.backend is LLMBackend.OLLAMA
    assert settings.llm.ollama_host == "http://127.0.0.1:11434"
    assert settings.retrieval.top_k == 7


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PERIMETER_DATA_DIR=/srv/perimeter\nPERIMETER_HTTP__PORT=9000\n")
    settings = load_settings()
    assert settings.data_dir == Path("/srv/perimeter")
    assert settings.http.port == 9000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PERIMETER_HTTP__PORT", "99999"),
        ("PERIMETER_LLM__BACKEND", "gpt5"),
        ("PERIMETER_RETRIEVAL__MIN_SCORE", "high"),
        ("PERIMETER_DATABASE__URL", "postgresql://user:pw@db/x"),
        ("PERIMETER_OPERATORS__WORKING_HOURS", "9-21"),
        ("PERIMETER_OPERATORS__WORKING_DAYS", "0-8"),
        ("PERIMETER_OPERATORS__TIMEZONE", "Mars/Olympus"),
        ("PERIMETER_OPERATORS__QUEUE_TIMEOUT_S", "-1"),
    ],
)
def test_invalid_setting_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert name in str(caught.value)


def test_error_never_echoes_a_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERIMETER_DATABASE__URL", "mysql://bank:S3cr3t-pw@db/x")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "S3cr3t-pw" not in str(caught.value)


def test_http_client_logs_are_kept_above_info(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx logs whole URLs at INFO (phones, account ids): the CLI keeps it at WARNING."""
    import logging

    from bot.cli.runtime import settings

    monkeypatch.setenv("PERIMETER_LOG_LEVEL", "DEBUG")
    settings()
    assert logging.getLogger("httpx").level >= logging.WARNING
    assert logging.getLogger("httpcore").level >= logging.WARNING


def test_staff_login_settings_under_their_old_names_stop_the_start(clean_env: None) -> None:
    """They moved from PERIMETER_OPERATORS__* to PERIMETER_STAFF__*: an installation that set
    the old name must hear of it, not lose its Secure cookie silently."""
    with pytest.raises(SettingsError, match="PERIMETER_STAFF__SECURE_COOKIE"):
        load_settings(operators={"secure_cookie": "true"})
    assert load_settings(staff={"secure_cookie": "true"}).staff.secure_cookie


GATEWAY_UPSTREAMS = (
    '[{"name": "big", "base_url": "http://vllm:8000/v1", "zone": "private", "models": ["q72"]},'
    ' {"name": "cloud", "base_url": "https://llm.example/v1", "zone": "external",'
    ' "models": ["large"], "api_key": "sk-secret-value"}]'
)


def test_gateway_upstreams_come_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERIMETER_GATEWAY__UPSTREAMS", GATEWAY_UPSTREAMS)
    monkeypatch.setenv("PERIMETER_GATEWAY__FALLBACK", "big")
    gateway = load_settings().gateway
    assert [u.name for u in gateway.upstreams] == ["big", "cloud"]
    assert gateway.upstreams[1].api_key is not None
    assert "sk-secret-value" not in repr(gateway)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("PERIMETER_GATEWAY__FALLBACK", "nowhere", "is not the name of an upstream"),
        ("PERIMETER_GATEWAY__ANSWERS_UPSTREAM", "cloud", "only with allow_external"),
        ("PERIMETER_GATEWAY__FALLBACK", "cloud", "only with allow_external"),
    ],
)
def test_gateway_routes_must_name_upstreams_the_rules_allow(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv("PERIMETER_GATEWAY__UPSTREAMS", GATEWAY_UPSTREAMS)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=named) as refused:
        load_settings()
    assert "sk-secret-value" not in str(refused.value)
