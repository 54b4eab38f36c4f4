"""The database engine: SQLite file embedded, PostgreSQL in production (async drivers)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        return create_async_engine(url, echo=echo, connect_args={"timeout": 30})
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


async def ping(engine: AsyncEngine) -> None:
    """Raises unless the database answers a query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
