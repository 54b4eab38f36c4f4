"""What the deployment tests share: the compose model (loaded, interpolated and merged the way
Compose does for the keys our files use), the Dockerfile's instructions, and the names of
Perimeter's settings."""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, SecretStr

import bot.settings
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
CPU_OVERRIDE = ROOT / "docker-compose.cpu.yml"
WEBHOOK_OVERRIDE = ROOT / "deploy" / "compose" / "telegram-webhook.yml"
GATEWAY_OVERRIDE = ROOT / "deploy" / "compose" / "gateway.yml"
DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"
NGINX_CONF = ROOT / "deploy" / "nginx" / "perimeter.conf"
CHART = ROOT / "deploy" / "helm" / "perimeter"
COMPOSE_SCHEMA = ROOT / "tests" / "data" / "compose-spec.json"

# What .env must give; everything else has a default in the files.
COMPOSE_ENV = {"CORE_BANKING_URL": "https://abs.bank.example"}


# --- settings --------------------------------------------------------------------------


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _models_in(arg)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation


def _leaves(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, Any]]:
    for name, field in model.model_fields.items():
        nested = list(_models_in(field.annotation))
        if nested:
            yield from _leaves(nested[0], f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}", field.annotation


def setting_names() -> set[str]:
    """Every PERIMETER_* variable the settings read: the model's leaves, nested sections
    joined with ``__``, and the secrets directory, which load_settings reads itself."""
    names = {name for name, _ in _leaves(Settings, "PERIMETER_")}
    if "PERIMETER_SECRETS_DIR" in inspect.getsource(bot.settings):
        names.add("PERIMETER_SECRETS_DIR")
    return names


def secret_setting_names() -> set[str]:
    """Settings typed SecretStr: they belong in secret files, never in plain configuration."""
    return {
        name
        for name, annotation in _leaves(Settings, "PERIMETER_")
        if SecretStr in (annotation, *typing.get_args(annotation))
    }


# --- compose ---------------------------------------------------------------------------


class Reset:
    """Compose's ``!reset``: the attribute is removed from what it overrides."""


class Override:
    """Compose's ``!override``: the value replaces what it overrides, unmerged."""

    def __init__(self, value: Any) -> None:
        self.value = value


class _ComposeLoader(yaml.SafeLoader):
    pass


def _construct(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_ComposeLoader.add_constructor("!reset", lambda loader, node: Reset())
_ComposeLoader.add_constructor("!override", lambda loader, node: Override(_construct(node, loader)))


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ComposeLoader)  # noqa: S506 - a SafeLoader subclass
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    return data


_UNIQUE_KEYS = {"ports", "volumes", "secrets", "configs"}
_REPLACED = {"command", "entrypoint"}


def _entry_key(entry: Any) -> Any:
    if isinstance(entry, dict):
        return entry.get("target") or entry.get("source") or repr(sorted(entry.items()))
    return str(entry)  # our overrides only add entries, so the whole entry is key enough


def merge(base: Any, override: Any, key: str = "") -> Any:
    """Compose's merge rules (compose-spec 13-merge.md) for what our files use: mappings merge,
    sequences append, ports/volumes/secrets by their unique key, shell commands replace,
    ``!reset`` removes and ``!override`` replaces."""
    if isinstance(override, Override):
        return override.value
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for name, value in override.items():
            if isinstance(value, Reset):
                merged.pop(name, None)
            elif name in merged:
                merged[name] = merge(merged[name], value, name)
            else:
                merged[name] = value.value if isinstance(value, Override) else value
        return merged
    if key in _REPLACED or key == "test":
        return override
    if isinstance(base, list) and isinstance(override, list):
        if key in _UNIQUE_KEYS:
            by_key = {_entry_key(entry): entry for entry in base}
            by_key.update({_entry_key(entry): entry for entry in override})
            return list(by_key.values())
        return base + [entry for entry in override if entry not in base]
    return override


def compose_model(*overrides: Path) -> dict[str, Any]:
    model = load_yaml(COMPOSE_FILE)
    for path in overrides:
        model = merge(model, load_yaml(path))
    return model


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^${}]*))?\}")


def interpolate(value: Any, env: Mapping[str, str] = COMPOSE_ENV) -> Any:
    """Compose's interpolation of every string in ``value``, inner references first, with
    ``env`` as the .env file; ``$$`` stays a literal ``$``."""
    if isinstance(value, dict):
        return {name: interpolate(item, env) for name, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value
    text = value.replace("$$", "\0")

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        current = env.get(name)
        if op in (":?", "?") and not current:
            raise KeyError(f"{name} is required: {arg}")
        if op in (":-", "-") and not current:
            return arg
        return current or ""

    while True:
        replaced = _VARIABLE.sub(substitute, text)
        if replaced == text:
            return replaced.replace("\0", "$")
        text = replaced


def active_services(model: Mapping[str, Any], profiles: Iterable[str] = ()) -> dict[str, Any]:
    """The services ``docker compose up`` starts with these profiles on."""
    on = set(profiles)
    return {
        name: service
        for name, service in model["services"].items()
        if not service.get("profiles") or on & set(service["profiles"])
    }


def environment_of(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(str(item).partition("=")[::2] for item in env)
    return {str(name): str(value) for name, value in env.items()}


def published(service: Mapping[str, Any]) -> Iterator[tuple[str, int]]:
    """(host address, container port) of each published port, interpolated."""
    for entry in interpolate(service.get("ports") or []):
        if isinstance(entry, dict):
            yield str(entry.get("host_ip") or "0.0.0.0"), int(entry["target"])
            continue
        parts = str(entry).split(":")
        address = parts[0] if len(parts) == 3 else "0.0.0.0"
        yield address, int(parts[-1].split("/")[0])


def gpu_devices(service: Mapping[str, Any]) -> list[Any]:
    reservations = (service.get("deploy") or {}).get("resources", {}).get("reservations", {})
    return [d for d in reservations.get("devices") or [] if "gpu" in d.get("capabilities", [])]


def seconds(duration: str) -> float:
    """A Compose duration (``30s``, ``1m30s``) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts, f"not a duration: {duration!r}"
    return sum(float(number) * units[unit] for number, unit in parts)


# --- Dockerfile ------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n(\s*#.*\n)*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in final_stage(dockerfile_instructions()):
        if keyword == "ENV":
            env.update(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", args))
    return env
