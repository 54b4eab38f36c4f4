"""The test PostgreSQL: databases on the server that `scripts/start-postgres.sh` runs."""

from __future__ import annotations

import asyncpg


async def ensure_database(server_url: str, name: str) -> str:
    """``name`` on the server of ``server_url`` (created when missing); its URL."""
    connection = await asyncpg.connect(server_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{server_url.rpartition('/')[0]}/{name}"
