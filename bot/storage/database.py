"""The database engine: SQLite file embedded, PostgreSQL in production (async drivers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _unicode_lower)
        if ":memory:" not in url:
            event.listen(engine.sync_engine, "connect", _write_ahead_log)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


def _write_ahead_log(connection: Any, _record: Any) -> None:
    """The embedded SQLite file in WAL mode: readers no longer wait for a writer, and a commit
    appends to the log instead of rewriting a journal (each still synced: FULL, so a stored
    customer message survives a power cut)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _unicode_lower(connection: Any, _record: Any) -> None:
    """SQLite's own lower() knows only ASCII: «Карта» stays «Карта». Python's, as PostgreSQL
    does, so that a search of past conversations ignores case in Russian too."""
    connection.create_function("lower", 1, _lower, deterministic=True)  # in aiosqlite's thread


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


async def ping(engine: AsyncEngine) -> None:
    """Raises unless the database answers a query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
