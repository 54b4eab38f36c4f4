"""The layering holds, as ARCHITECTURE.md draws it:

- the domain core (``bot/dialogue``) imports no framework;
- ``rag``, ``integrations`` and ``prompts`` never import ``bot``;
- only storage itself and the composition root import ``bot.storage``: features speak to their
  own ports;
- no channel imports another, and the two staff features do not lean on each other (both
  use ``bot.staff``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {
    "aiogram",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "langchain",
    "langchain_core",
    "langchain_qdrant",
    "langchain_ollama",
    "langchain_openai",
    "qdrant_client",
    "httpx",
    "aiohttp",
    "llama_cpp",
    "jinja2",
    "pydantic_settings",
    "rasa_sdk",
    "prometheus_client",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, dotted (``from a.b import c`` names ``a.b`` and
    ``a.b.c``: ``c`` may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def imports_package(path: Path, package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in imported_modules(path))


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("bot/dialogue"), ids=lambda p: p.name)
def test_dialogue_core_imports_no_framework(path: Path) -> None:
    offending = imported_roots(path) & FRAMEWORKS
    assert not offending, f"{path.relative_to(ROOT)} imports {sorted(offending)}"


@pytest.mark.parametrize(
    "path",
    python_files("rag") + python_files("integrations") + python_files("prompts"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_adapters_never_import_bot(path: Path) -> None:
    assert "bot" not in imported_roots(path), f"{path.relative_to(ROOT)} imports bot"


COMPOSITION_ROOT = ROOT / "bot" / "container.py"


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("bot") if "storage" not in p.relative_to(ROOT).parts[:2]],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_only_storage_and_the_composition_root_import_storage(path: Path) -> None:
    if path == COMPOSITION_ROOT:
        return
    assert not imports_package(path, "bot.storage"), f"{path.relative_to(ROOT)} imports bot.storage"


CHANNELS = sorted(
    p.name for p in (ROOT / "bot" / "channels").iterdir() if p.is_dir() and p.name != "__pycache__"
)


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_channel_imports_another(channel: str) -> None:
    others = [c for c in CHANNELS if c != channel]
    for path in python_files(f"bot/channels/{channel}"):
        for other in others:
            assert not imports_package(path, f"bot.channels.{other}"), (
                f"{path.relative_to(ROOT)} imports the {other} channel"
            )


@pytest.mark.parametrize("channel", CHANNELS)
def test_channels_do_not_assemble_the_product(channel: str) -> None:
    """The app host (``bot.app``) mounts each surface; a channel builds only itself."""
    hosts = ("bot.app", "bot.container", "bot.operators.api", "bot.content.api", "bot.cli")
    for path in python_files(f"bot/channels/{channel}"):
        for host in hosts:
            assert not imports_package(path, host), f"{path.relative_to(ROOT)} imports {host}"


def module_level_locks(path: Path) -> list[str]:
    """Names bound at module level to a new lock (``x = KeyedLock()``): process-wide state
    that two replicas would not share. Locks are injected (``ConversationLocks``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            called = node.value.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if "Lock" in name:
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("path", python_files("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_lock_is_created_at_module_level(path: Path) -> None:
    assert module_level_locks(path) == [], f"{path.relative_to(ROOT)}"


def test_checker_catches_a_module_level_lock(tmp_path: Path) -> None:
    sample = tmp_path / "handlers.py"
    sample.write_text(
        "import asyncio\n_chat_locks = KeyedLock()\n_one: asyncio.Lock = asyncio.Lock()\n"
    )
    assert len(module_level_locks(sample)) == 2


@pytest.mark.parametrize(("feature", "other"), [("content", "operators"), ("operators", "content")])
def test_staff_features_do_not_lean_on_each_other(feature: str, other: str) -> None:
    for path in python_files(f"bot/{feature}"):
        assert not imports_package(path, f"bot.{other}"), (
            f"{path.relative_to(ROOT)} imports bot.{other}: shared staff code belongs in bot.staff"
        )


def test_checker_catches_a_feature_reaching_for_storage(tmp_path: Path) -> None:
    sample = tmp_path / "desk.py"
    sample.write_text(
        "from bot.storage.queue import SqlHandoffQueue\nfrom bot import storage\n"
        "import bot.channels.webchat.hub\n"
    )
    assert imports_package(sample, "bot.storage")
    assert imports_package(sample, "bot.channels.webchat")
    assert not imports_package(sample, "bot.stor")
    clean = tmp_path / "clean.py"
    clean.write_text("from bot.operators.ports import HandoffQueue\n")
    assert not imports_package(clean, "bot.storage")


def test_checker_catches_a_framework_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from sqlalchemy import select\nimport fastapi.routing\n")
    assert imported_roots(sample) & FRAMEWORKS == {"sqlalchemy", "fastapi"}


def test_every_static_folder_ships_in_the_package() -> None:
    """A non-editable install (the Docker image) carries only declared package data."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    for folder in sorted((ROOT / "bot").rglob("static")):
        package = ".".join(folder.parent.relative_to(ROOT).parts)
        assert "static/*" in declared.get(package, []), f"{package} static files not packaged"
