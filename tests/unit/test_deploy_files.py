"""docker-compose.yml and Dockerfile: well-formed, wired together, free of secrets.

No Docker engine is needed. ``docker compose config`` is used when the Compose v2 CLI is
installed (it parses and interpolates client-side); otherwise that one test is skipped.

tests/data/compose-spec.json is the official Compose Specification JSON schema
(compose-spec/compose-spec, Apache-2.0), taken unchanged from the ``check-jsonschema``
0.39.0 wheel (``check_jsonschema/builtin_schemas/vendor/compose-spec.json``,
sha256 d549057ebc2925f39f62799eab0db7b9e2c18b35b6c00595199116da3ed10e64).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "compose-spec.json"

REQUIRED_SERVICES = {"perimeter", "qdrant", "ollama", "postgres"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|KEY", re.IGNORECASE)
# A whole value that is one variable reference: ${VAR}, ${VAR:?msg}, ${VAR:-default}, ...
VAR_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+]).*)?\}$", re.DOTALL)
URL_PASSWORD = re.compile(r"://[^/:@\s]+:(?P<password>[^@\s]+)@")
INTERPOLATION = re.compile(
    r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\})"
)
TEST_ENV = {
    "POSTGRES_PASSWORD": "test-only-password",
    "CORE_BANKING_URL": "http://sandbox:8090",
    "CORE_BANKING_TOKEN": "test-only-abs-token-0123456789",
}


# --- helpers ---------------------------------------------------------------------------


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml must be a mapping"
    return data


def services() -> dict[str, dict[str, Any]]:
    found = load_compose().get("services")
    assert isinstance(found, dict), "docker-compose.yml has no services mapping"
    return found


def environment_of(service: Mapping[str, Any]) -> dict[str, str | None]:
    """A service's environment as a dict, from either the mapping or the list form."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {str(k): None if v is None else str(v) for k, v in env.items()}
    result: dict[str, str | None] = {}
    for item in env:
        name, sep, value = str(item).partition("=")
        result[name] = value if sep else None
    return result


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose-style interpolation of ``$$``, ``${VAR}``, ``${VAR:-x}``, ``${VAR:?msg}``..."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None:
            return "$"
        op, arg, current = match.group("op"), match.group("arg") or "", env.get(name)
        if op in (":-", "-"):
            return current if current or (op == "-" and current is not None) else arg
        if op in (":?", "?"):
            if current is None or (op == ":?" and not current):
                raise ValueError(f"required variable {name} is missing: {arg}")
            return current
        if op in (":+", "+"):
            return arg if current or (op == "+" and current is not None) else ""
        return current or ""

    return INTERPOLATION.sub(substitute, value)


def dependencies(service: Mapping[str, Any]) -> dict[str, str | None]:
    """``depends_on`` as ``{target: condition}`` (None for the short list form)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {str(name): None for name in deps}
    return {str(name): (spec or {}).get("condition") for name, spec in deps.items()}


def named_volume_sources(service: Mapping[str, Any]) -> Iterator[str]:
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            if entry.get("type", "volume") == "volume" and entry.get("source"):
                yield str(entry["source"])
            continue
        parts = str(entry).split(":")
        if len(parts) >= 2 and not parts[0].startswith(("/", ".", "~", "$")):
            yield parts[0]


def _nested_model(annotation: Any) -> Any:
    """The pydantic model inside an annotation (``Model``, ``Model | None``), or None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
        return None
    return annotation if hasattr(annotation, "model_fields") else None


def settings_field_path(settings_cls: Any, env_name: str) -> list[str] | None:
    """Map ``PERIMETER_LLM__OLLAMA_HOST`` to ``["llm", "ollama_host"]`` via ``model_fields``.

    Returns None when some part of the name is not a field of the (nested) model.
    """
    prefix = "PERIMETER_"
    if not env_name.startswith(prefix):
        return None
    parts = env_name[len(prefix) :].lower().split("__")
    model: Any = settings_cls
    for index, part in enumerate(parts):
        fields = getattr(model, "model_fields", None)
        if not isinstance(fields, dict) or part not in fields:
            return None
        if index < len(parts) - 1:
            model = _nested_model(fields[part].annotation)
            if model is None:
                return None
    return parts


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert starts, "the Dockerfile has no FROM"
    return instructions[starts[-1] :]


def compose_cli() -> list[str] | None:
    """The Compose v2 CLI (``docker compose`` plugin or a v2 ``docker-compose``), if any."""
    candidates: list[list[str]] = []
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    for command in candidates:
        try:
            probe = subprocess.run(
                [*command, "version", "--short"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0 and probe.stdout.strip().lstrip("v").startswith(("2", "3")):
            return command
    return None


# --- docker-compose.yml ----------------------------------------------------------------


def test_compose_is_yaml_with_the_four_services() -> None:
    assert set(services()) >= REQUIRED_SERVICES


def test_compose_matches_the_compose_specification() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    errors = sorted(
        validator_cls(schema).iter_errors(load_compose()), key=lambda e: list(e.absolute_path)
    )
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


def test_depends_on_targets_exist_and_wait_for_health() -> None:
    all_services = services()
    for name, service in all_services.items():
        for target, condition in dependencies(service).items():
            assert target in all_services, f"{name} depends on unknown service {target!r}"
            if "healthcheck" in all_services[target]:
                assert condition == "service_healthy", (
                    f"{name} -> {target}: the target has a healthcheck, so wait for"
                    f" condition: service_healthy (got {condition!r})"
                )


def test_perimeter_waits_for_every_backing_service() -> None:
    deps = dependencies(services()["perimeter"])
    assert deps == dict.fromkeys(("postgres", "qdrant", "ollama"), "service_healthy")


def test_backing_services_have_healthchecks() -> None:
    all_services = services()
    for name in ("qdrant", "ollama", "postgres"):
        healthcheck = all_services[name].get("healthcheck")
        assert isinstance(healthcheck, dict), f"{name} has no healthcheck"
        assert healthcheck.get("test"), f"{name}'s healthcheck has no test"
        assert not healthcheck.get("disable"), f"{name}'s healthcheck is disabled"
    assert "pg_isready" in json.dumps(all_services["postgres"]["healthcheck"]["test"])


def test_qdrant_sends_no_usage_statistics() -> None:
    """Security review M8: the Qdrant image reports usage unless told not to."""
    assert services()["qdrant"]["environment"]["QDRANT__TELEMETRY_DISABLED"] == "true"


def test_named_volumes_are_declared_and_used() -> None:
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    used = {source for service in services().values() for source in named_volume_sources(service)}
    assert used, "no service keeps data in a named volume"
    assert used <= declared, f"undeclared named volumes: {sorted(used - declared)}"
    assert declared <= used, f"declared but unused volumes: {sorted(declared - used)}"
    for name in ("qdrant", "ollama", "postgres", "perimeter"):
        assert list(named_volume_sources(services()[name])), f"{name} has no named volume"


def test_no_literal_secrets() -> None:
    compose = load_compose()
    for name, service in services().items():
        for key, value in environment_of(service).items():
            if SECRET_NAME.search(key):
                assert value is None or VAR_REFERENCE.match(value), (
                    f"{name}: {key} must come from the environment as ${{...}}, not a literal"
                )
            for match in URL_PASSWORD.finditer(value or ""):
                assert VAR_REFERENCE.match(match.group("password")), (
                    f"{name}: {key} embeds a literal password in a URL"
                )
    postgres_password = environment_of(services()["postgres"])["POSTGRES_PASSWORD"]
    assert postgres_password is not None
    assert postgres_password.startswith("${POSTGRES_PASSWORD:?"), (
        "POSTGRES_PASSWORD must be required: ${POSTGRES_PASSWORD:?message}"
    )
    assert not compose.get("secrets") or all(
        "file" in spec or "environment" in spec or "external" in spec
        for spec in compose["secrets"].values()
    )


def test_missing_postgres_password_is_an_error() -> None:
    value = environment_of(services()["postgres"])["POSTGRES_PASSWORD"]
    assert value is not None
    with pytest.raises(ValueError, match="POSTGRES_PASSWORD"):
        interpolate(value, {})
    assert interpolate(value, TEST_ENV) == TEST_ENV["POSTGRES_PASSWORD"]


def test_perimeter_environment() -> None:
    env = environment_of(services()["perimeter"])
    assert env == {
        "PERIMETER_DATA_DIR": "/data",
        "PERIMETER_DATABASE__URL": (
            "postgresql+asyncpg://perimeter:${POSTGRES_PASSWORD}@postgres:5432/perimeter"
        ),
        "PERIMETER_QDRANT__URL": "http://qdrant:6333",
        "PERIMETER_LLM__BACKEND": "ollama",
        "PERIMETER_LLM__OLLAMA_HOST": "http://ollama:11434",
        "PERIMETER_LLM__MODEL": "qwen2.5:7b-instruct-q4_K_M",
        "PERIMETER_EMBEDDINGS__BACKEND": "use",
        "PERIMETER_CORE_BANKING__BASE_URL": "${CORE_BANKING_URL:?set CORE_BANKING_URL}",
        "PERIMETER_CORE_BANKING__TOKEN": "${CORE_BANKING_TOKEN:?set CORE_BANKING_TOKEN}",
        "PERIMETER_AUTH__WEB_TOKEN_SECRET": "${WEB_TOKEN_SECRET:-}",
        "PERIMETER_HTTP__STAFF_PORT": "8081",
        "PERIMETER_HTTP__STAFF_HOST": "0.0.0.0",
    }


def test_perimeter_variables_are_settings_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every PERIMETER_* name is a field path of bot.settings.Settings, and its value loads."""
    settings_module = pytest.importorskip("bot.settings")
    settings_cls = settings_module.Settings
    env = environment_of(services()["perimeter"])
    perimeter_vars = {k: v for k, v in env.items() if k.startswith("PERIMETER_")}
    unknown = [k for k in perimeter_vars if settings_field_path(settings_cls, k) is None]
    assert not unknown, f"not fields of bot.settings.Settings: {unknown}"

    for key in list(os.environ):
        if key.startswith("PERIMETER_"):
            monkeypatch.delenv(key)
    for key, value in perimeter_vars.items():
        assert value is not None
        monkeypatch.setenv(key, interpolate(value, TEST_ENV))
    settings = settings_cls(_env_file=None)
    assert str(settings.data_dir) == "/data"
    assert settings.llm.backend == "ollama"
    assert settings.llm.ollama_host == "http://ollama:11434"
    assert settings.llm.model == "qwen2.5:7b-instruct-q4_K_M"
    assert settings.qdrant.url == "http://qdrant:6333"
    assert settings.embeddings.backend == "use"
    assert settings.database.url == (
        "postgresql+asyncpg://perimeter:test-only-password@postgres:5432/perimeter"
    )
    assert settings.core_banking.base_url == "http://sandbox:8090"
    assert settings.auth.web_token_secret is None, "an unset WEB_TOKEN_SECRET disables it"


def test_settings_field_path_helper() -> None:
    settings_module = pytest.importorskip("bot.settings")
    settings_cls = settings_module.Settings
    assert settings_field_path(settings_cls, "PERIMETER_LLM__OLLAMA_HOST") == [
        "llm",
        "ollama_host",
    ]
    assert settings_field_path(settings_cls, "PERIMETER_DATA_DIR") == ["data_dir"]
    assert settings_field_path(settings_cls, "PERIMETER_LLM__NO_SUCH_FIELD") is None
    assert settings_field_path(settings_cls, "PERIMETER_NOPE") is None
    assert settings_field_path(settings_cls, "PERIMETER_DATA_DIR__X") is None
    assert settings_field_path(settings_cls, "OTHER_LLM__MODEL") is None


def test_images_are_pinned() -> None:
    expected = {
        "qdrant": r"qdrant/qdrant:v1\.15\.\d+",
        "ollama": r"ollama/ollama:\d+\.\d+\.\d+",
        "postgres": r"postgres:16(\.\d+)?",
    }
    for name, pattern in expected.items():
        image = services()[name].get("image", "")
        assert re.fullmatch(pattern, image), f"{name}: image {image!r} !~ {pattern}"


def test_ollama_gpu_reservation() -> None:
    devices = services()["ollama"]["deploy"]["resources"]["reservations"]["devices"]
    assert any(d.get("driver") == "nvidia" and "gpu" in d.get("capabilities", []) for d in devices)


def test_perimeter_service_runs_serve_on_8080() -> None:
    perimeter = services()["perimeter"]
    assert perimeter.get("build") in (".", {"context": "."})
    entrypoint = [
        json.loads(args) for keyword, args in dockerfile_instructions() if keyword == "ENTRYPOINT"
    ][-1]
    command = perimeter["command"]
    command = shlex.split(command) if isinstance(command, str) else command
    assert [*entrypoint, *command] == ["perimeter", "serve", "--host", "0.0.0.0", "--port", "8080"]
    assert any(str(p).split(":")[-1] == "8080" for p in perimeter["ports"])
    # Security review M5: staff pages and /metrics on their own port, loopback on the host.
    assert perimeter["environment"]["PERIMETER_HTTP__STAFF_PORT"] == "8081"
    assert "127.0.0.1:8081:8081" in perimeter["ports"]


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    command = compose_cli()
    if command is None:
        pytest.skip("the Docker Compose v2 CLI is not installed")
    base = [*command, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE)]
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    env["DOCKER_CONFIG"] = str(tmp_path)  # no user config, no credential helpers
    ok = subprocess.run(
        [*base, "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, **TEST_ENV},
        cwd=tmp_path,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    resolved = json.loads(ok.stdout)
    assert set(resolved["services"]) >= REQUIRED_SERVICES
    assert (
        resolved["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
        == (TEST_ENV["POSTGRES_PASSWORD"])
    )
    missing = subprocess.run(
        [*base, "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert missing.returncode != 0
    assert "POSTGRES_PASSWORD" in missing.stderr


# --- Dockerfile ------------------------------------------------------------------------


def test_dockerfile_shape() -> None:
    instructions = dockerfile_instructions()
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms, "no FROM"
    assert all(f.split()[0] == "python:3.11-slim" for f in froms), froms
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "pip install" in runs
    assert "--constraint constraints.txt" in runs
    assert "https://download.pytorch.org/whl/cpu" in runs
    # The review's M7: no package is looked up on two indexes at once.
    assert "--extra-index-url" not in runs
    final = final_stage(instructions)
    assert any(k == "HEALTHCHECK" and "/healthz" in a for k, a in final)
    assert any(k == "ENTRYPOINT" and json.loads(a) == ["perimeter"] for k, a in final)


def test_dockerfile_runs_as_non_root() -> None:
    users = [args for keyword, args in final_stage(dockerfile_instructions()) if keyword == "USER"]
    assert users, "the final stage has no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"final USER is {user!r}"


def test_dockerfile_has_no_secrets() -> None:
    for keyword, args in dockerfile_instructions():
        if keyword in ("ENV", "ARG", "LABEL"):
            for match in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)", args):
                assert not SECRET_NAME.search(match.group(1)), (
                    f"{keyword} {match.group(1)}: secrets must not be baked into the image"
                )
        for match in URL_PASSWORD.finditer(args):
            pytest.fail(f"{keyword} line embeds a password in a URL: {match.group(0)}")
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "--mount=type=secret" in text or not re.search(
        r"(?i)(password|secret|token|api[_-]?key)\s*[=:]\s*\S", text
    )
