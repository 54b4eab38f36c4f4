"""docker-compose.yml and its overrides: valid Compose, and what a bank checks before running
it (nothing sensitive published, no demo content, no GPU by default, real settings names)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.deploy.files import (
    COMPOSE_ENV,
    COMPOSE_SCHEMA,
    CPU_OVERRIDE,
    GATEWAY_OVERRIDE,
    WEBHOOK_OVERRIDE,
    active_services,
    compose_model,
    environment_of,
    gpu_devices,
    interpolate,
    load_yaml,
    merge,
    published,
    seconds,
    secret_setting_names,
    setting_names,
)

URL_PASSWORD = re.compile(r"://[^/\s@]*:[^/\s@]+@")
APP_SERVICES = {"perimeter", "telegram", "perimeter-demo"}
EVERY_PROFILE = ("ollama", "gpu", "telegram", "monitoring", "tls", "demo")
COMPOSE_ENV_GPU = {**COMPOSE_ENV, "LLM_BACKEND": "openai", "LLM_MODEL": "qwen2.5-7b-instruct"}
MODELS = {
    "base": (),
    "cpu": (CPU_OVERRIDE,),
    "webhook": (WEBHOOK_OVERRIDE,),
    "gateway": (GATEWAY_OVERRIDE,),
}


@pytest.fixture(params=sorted(MODELS))
def model(request: pytest.FixtureRequest) -> dict[str, Any]:
    return compose_model(*MODELS[request.param])


def long_running(model: dict[str, Any]) -> dict[str, Any]:
    return {n: s for n, s in model["services"].items() if s.get("restart") != "no"}


def test_the_files_follow_the_compose_specification(model: dict[str, Any]) -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(model)
    ]
    assert not errors, "\n".join(errors)


def test_interpolation_needs_only_the_abs_address(model: dict[str, Any]) -> None:
    interpolate(model, {**COMPOSE_ENV, "TELEGRAM_WEBHOOK_URL": "https://chat.bank.example/tg"})
    with pytest.raises(KeyError, match="CORE_BANKING_URL"):
        interpolate(model, {})


@pytest.mark.parametrize("profiles", [(), *[(p,) for p in EVERY_PROFILE]])
def test_nothing_sensitive_is_published_beyond_the_host(profiles: tuple[str, ...]) -> None:
    # Staff ports, data stores and models alike: only the TLS proxy faces the network.
    for name, service in active_services(compose_model(), profiles).items():
        if name == "nginx":
            continue
        for address, port in published(service):
            assert address == "127.0.0.1", f"{name} publishes {port} on {address}"
    nginx = compose_model()["services"]["nginx"]
    assert dict((port, address) for address, port in published(nginx)) == {
        443: "0.0.0.0",  # customers
        8443: "127.0.0.1",  # staff: the staff network's address, set in .env
    }


def test_the_default_stack_reads_no_demo_content_and_needs_no_gpu(model: dict[str, Any]) -> None:
    default = active_services(model)
    assert {"perimeter", "migrate", "postgres", "redis", "qdrant"} <= set(default)
    for name, service in default.items():
        text = json.dumps([service.get("command"), service.get("environment")])
        assert "examples" not in text, f"{name} points at the demo bank's files"
        assert not gpu_devices(service), f"{name} needs a GPU without the gpu profile"
        assert environment_of(service).get("PERIMETER_DEMO", "false") == "false"
    assert environment_of(default["perimeter"])["PERIMETER_KB_DIR"] == "/kb"
    assert "${KB_DIR:-./kb}:/kb:ro" in default["perimeter"]["volumes"]


def test_only_the_demo_profile_touches_the_demo_bank() -> None:
    model = compose_model()
    for name, service in model["services"].items():
        if "examples" in json.dumps([service.get("command"), service.get("environment")]):
            assert service.get("profiles") == ["demo"], name
    demo = environment_of(model["services"]["perimeter-demo"])
    assert demo["PERIMETER_KB_DIR"] == "/app/examples/kb"
    # Its own SQLite and local Qdrant: demo documents never reach the bank's stores.
    assert "PERIMETER_DATABASE__URL" not in demo
    assert "PERIMETER_QDRANT__URL" not in demo
    assert not model["services"]["perimeter-demo"].get("secrets")


def test_only_the_gpu_profile_reserves_a_gpu() -> None:
    for name, service in compose_model()["services"].items():
        if gpu_devices(service):
            assert service.get("profiles") == ["gpu"], name


def test_the_cpu_override_runs_ollama_on_the_cpu_without_a_profile() -> None:
    model = compose_model(CPU_OVERRIDE)
    default = active_services(model)
    assert {"ollama", "ollama-pull"} <= set(default)
    assert not any(gpu_devices(service) for service in default.values())
    assert not any(gpu_devices(s) for s in load_yaml(CPU_OVERRIDE)["services"].values())
    env = environment_of(default["perimeter"])
    assert env["PERIMETER_LLM__BACKEND"] == "ollama"
    assert env["PERIMETER_LLM__OLLAMA_HOST"] == "http://ollama:11434"
    pulled = interpolate(default["ollama-pull"]["command"])[-1]
    assert interpolate(env["PERIMETER_LLM__MODEL"]) == pulled, "the app asks for the pulled model"


def test_the_gpu_profile_wires_the_app_to_vllm() -> None:
    model = compose_model()
    vllm = model["services"]["vllm"]
    env = environment_of(model["services"]["perimeter"])
    openai = interpolate(env, COMPOSE_ENV_GPU)
    assert openai["PERIMETER_LLM__BACKEND"] == "openai"
    assert openai["PERIMETER_LLM__OPENAI_BASE_URL"] == "http://vllm:8000/v1"
    served = interpolate(vllm["command"], COMPOSE_ENV_GPU)
    assert served[served.index("--served-model-name") + 1] == openai["PERIMETER_LLM__MODEL"]


def test_every_perimeter_variable_is_a_setting(model: dict[str, Any]) -> None:
    known = setting_names()
    used = {
        name
        for service in model["services"].values()
        for name in environment_of(service)
        if name.startswith("PERIMETER_")
    }
    assert used, "no PERIMETER_* variables found"
    assert used <= known, f"not settings: {sorted(used - known)}"


def test_every_app_secret_file_names_a_setting(model: dict[str, Any]) -> None:
    known = setting_names()
    app_secrets = {name for name in model["secrets"] if name.startswith("perimeter_")}
    assert app_secrets, "no secret files for the app"
    assert {name.upper() for name in app_secrets} <= known
    for name in APP_SERVICES & set(model["services"]):
        for secret in model["services"][name].get("secrets") or []:
            assert secret in model["secrets"], f"{name} mounts undeclared secret {secret}"
            assert secret.startswith("perimeter_"), f"{name} sees {secret}, not its own"


def test_no_credential_is_written_into_the_files(model: dict[str, Any]) -> None:
    """Credentials come from files in /run/secrets; only the demo's fictional sandbox token
    is an ordinary variable."""
    credentials = secret_setting_names() | {"PERIMETER_DATABASE__URL"}
    for name, service in model["services"].items():
        demo = service.get("profiles") == ["demo"]
        for key, value in environment_of(service).items():
            if key in credentials:
                assert demo and key == "PERIMETER_CORE_BANKING__TOKEN", (
                    f"{name}: {key} must be the file /run/secrets/{key.lower()}"
                )
            elif not key.startswith("PERIMETER_") and re.search("PASSWORD|TOKEN|SECRET", key):
                assert key.endswith("_FILE"), f"{name}: {key} must come from a file"
            assert not URL_PASSWORD.search(value), f"{name}: {key} has a password in a URL"


def test_long_running_services_are_supervised(model: dict[str, Any]) -> None:
    for name, service in model["services"].items():
        logging = service.get("logging") or {}
        assert logging.get("driver") == "json-file", f"{name}: no capped log"
        assert {"max-size", "max-file"} <= set(logging.get("options") or {}), name
        limits = (service.get("deploy") or {}).get("resources", {}).get("limits", {})
        assert limits.get("memory") and limits.get("cpus"), f"{name}: no CPU/memory limit"
    for name, service in long_running(model).items():
        assert service.get("restart") in ("unless-stopped", "always", "on-failure"), name
        healthcheck = service.get("healthcheck") or {}
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name}: no check"


def test_the_apps_wait_for_their_migrations(model: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        depends = model["services"][name]["depends_on"]
        migrations = [
            target
            for target, spec in depends.items()
            if model["services"][target].get("command") == ["db", "upgrade"]
        ]
        assert migrations, f"{name} starts without its migrations"
        assert depends[migrations[0]]["condition"] == "service_completed_successfully"
        assert model["services"][name]["command"][0] in ("serve", "telegram")


def test_dependencies_exist_and_profiled_ones_are_optional(model: dict[str, Any]) -> None:
    services = model["services"]
    for name, service in services.items():
        for target, spec in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            gated = set(services[target].get("profiles") or []) - set(service.get("profiles") or [])
            if gated:
                assert spec.get("required") is False, f"{name} needs {target}'s profile"


def test_shutdown_outlasts_the_apps_own_grace(model: dict[str, Any]) -> None:
    for name in ("perimeter", "telegram", "perimeter-demo"):
        service = model["services"][name]
        grace = float(environment_of(service).get("PERIMETER_HTTP__SHUTDOWN_GRACE_S", "20"))
        assert seconds(service["stop_grace_period"]) > grace, name


def test_the_web_app_is_ready_only_when_readyz_says_so() -> None:
    for name in ("perimeter", "perimeter-demo"):
        test = compose_model()["services"][name]["healthcheck"]["test"]
        assert "/readyz" in " ".join(test), name


def test_the_telegram_poller_is_one_replica_in_its_profile() -> None:
    telegram = compose_model()["services"]["telegram"]
    assert telegram["profiles"] == ["telegram"]
    assert telegram["command"] == ["telegram"]
    assert telegram["deploy"]["replicas"] == 1
    assert "perimeter_telegram__token" in telegram["secrets"]


def test_the_webhook_override_runs_telegram_inside_the_web_app() -> None:
    perimeter = compose_model(WEBHOOK_OVERRIDE)["services"]["perimeter"]
    assert {"perimeter_telegram__token", "perimeter_telegram__webhook_secret"} <= set(
        perimeter["secrets"]
    )
    assert "PERIMETER_TELEGRAM__WEBHOOK_URL" in environment_of(perimeter)


def test_the_proxy_is_trusted_from_its_own_network_only() -> None:
    model = compose_model()
    subnet = interpolate(model["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    env = interpolate(environment_of(model["services"]["perimeter"]))
    assert env["PERIMETER_HTTP__FORWARDED_ALLOW_IPS"] == subnet
    assert model["services"]["nginx"]["networks"] == ["edge"]
    assert "edge" in model["services"]["perimeter"]["networks"]


def test_named_volumes_are_declared_and_used() -> None:
    model = compose_model()
    used = {
        str(entry).split(":")[0]
        for service in model["services"].values()
        for entry in service.get("volumes") or []
        if not str(entry).startswith((".", "/", "$"))
    }
    assert used == set(model["volumes"])


def test_merge_follows_compose_rules() -> None:
    """The merge the other tests rely on, against compose-spec's own examples."""
    assert merge({"a": 1, "b": 2}, {"b": 3, "c": 4}) == {"a": 1, "b": 3, "c": 4}
    assert merge({"dns": ["1.1.1.1"]}, {"dns": ["8.8.8.8"]}) == {"dns": ["1.1.1.1", "8.8.8.8"]}
    assert merge({"command": ["echo", "foo"]}, {"command": ["echo", "bar"]}) == {
        "command": ["echo", "bar"]
    }
    reset = load_yaml_text("ports: !reset []\nenvironment: {FOO: !reset null}\n")
    assert merge({"ports": ["8080:80"], "environment": {"FOO": "BAR"}}, reset) == {
        "environment": {}
    }
    replaced = load_yaml_text("ports: !override ['8443:443']\n")
    assert merge({"ports": ["8080:80"]}, replaced) == {"ports": ["8443:443"]}


def load_yaml_text(text: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "override.yml"
        path.write_text(text, encoding="utf-8")
        return load_yaml(path)


def test_the_gateway_override_opens_its_port_on_loopback_only() -> None:
    perimeter = compose_model(GATEWAY_OVERRIDE)["services"]["perimeter"]
    assert [host for host, port in published(perimeter) if port == 8088] == ["127.0.0.1"]
    assert perimeter["environment"]["PERIMETER_GATEWAY__PORT"] == "8088"
