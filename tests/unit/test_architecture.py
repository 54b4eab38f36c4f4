"""The layering holds: the domain core imports no framework; rag/integrations never import bot."""

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
