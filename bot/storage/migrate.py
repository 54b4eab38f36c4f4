"""The database schema: Alembic migrations, applied only by ``perimeter db upgrade`` (under
an exclusive lock, so two replicas' init steps never race), and the check every other
process makes at start: it refuses a schema that is not its own version's."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.lifecycle import StartupRefused

_MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "no migrations"
    return head


def _upgrade(url: str, revision: str) -> None:
    if url.startswith("sqlite+aiosqlite:///"):
        Path(url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


async def upgrade_database(url: str, revision: str = "head") -> None:
    """Alembic's async env runs its own event loop, so it goes to a worker thread."""
    await asyncio.to_thread(_upgrade, url, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        # Alembic says which dialect it found at INFO on every look: noise at every start.
        chatty = logging.getLogger("alembic.runtime.migration")
        level = chatty.level
        chatty.setLevel(logging.WARNING)
        try:
            return MigrationContext.configure(connection).get_current_revision()
        finally:
            chatty.setLevel(level)

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def check_schema(engine: AsyncEngine) -> None:
    """Raises ``StartupRefused`` unless the database is at this version's schema."""
    current, head = await current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        raise StartupRefused(
            "the database has no schema yet: run `perimeter db upgrade` first"
            " (the migration step of the deployment)"
        )
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {revision.revision for revision in script.walk_revisions()}
    if current in known:
        raise StartupRefused(
            f"the database schema is at revision {current}, this version needs {head}:"
            " run `perimeter db upgrade` first (the migration step of the deployment)"
        )
    raise StartupRefused(
        f"the database schema is at revision {current}, newer than this version ({head}):"
        " a newer Perimeter migrated it; run that version, or restore the database"
    )
