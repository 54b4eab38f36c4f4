"""Databases for the storage contracts: migrated once per run, emptied before each test."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData

from bot.storage import create_engine, upgrade_database


async def empty_database(url: str) -> None:
    """Drop every table as found: the shared PostgreSQL keeps whatever an earlier run (maybe of
    an older branch) left, so it is not downgraded but cleared."""
    engine = create_engine(url)
    async with engine.begin() as connection:

        def drop_everything(sync: Any) -> None:
            found = MetaData()
            found.reflect(bind=sync)
            found.drop_all(bind=sync)

        await connection.run_sync(drop_everything)
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file each test copies (migrating per test would cost seconds)."""
    path = tmp_path_factory.mktemp("storage") / "template.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "perimeter.db"
    shutil.copyfile(sqlite_template, copy)
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture(scope="session")
def postgres_migrated(postgres_url: str) -> str:
    """The test PostgreSQL, cleared and migrated once per run."""
    url = postgres_url

    async def prepare() -> None:
        await empty_database(url)
        await upgrade_database(url)

    asyncio.run(prepare())
    return url
