"""``Coordinator`` in the database the replicas share.

PostgreSQL: session advisory locks, each held on a connection of its own, so a process that
dies (even by SIGKILL) releases what it held when the server sees its connection close. The
leader pings that connection and gives up the lead when it breaks.

SQLite (one machine): a lock file beside the database, held the same way by the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import portalocker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name``."""
    digest = hashlib.sha256(f"perimeter:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PgCoordinator:
    def __init__(self, engine: AsyncEngine, *, ping_s: float = 5.0) -> None:
        self._engine = engine
        self._ping_s = ping_s

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        key = lock_key(name)
        async with self._engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            await conn.commit()
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    await conn.commit()

    @asynccontextmanager
    async def lead(self, name: str) -> AsyncIterator[asyncio.Event | None]:
        key = lock_key(name)
        async with self._engine.connect() as conn:
            held = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            await conn.commit()
            if not held:
                yield None
                return
            lost = asyncio.Event()
            watch = asyncio.create_task(self._watch(conn, lost))
            try:
                yield lost
            finally:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
                if not lost.is_set():
                    with contextlib.suppress(Exception):
                        await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                        await conn.commit()
                else:
                    with contextlib.suppress(Exception):
                        await conn.invalidate()  # the lock went with the broken connection

    async def _watch(self, conn: AsyncConnection, lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self._ping_s)
            try:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), self._ping_s)
                await conn.commit()
            except Exception:
                log.warning("the connection holding a lead broke")
                lost.set()
                return


class FileCoordinator:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, name: str) -> Path:
        self._folder.mkdir(parents=True, exist_ok=True)
        return self._folder / f"{name}.lock"

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        lock = portalocker.Lock(self._path(name), mode="a", flags=portalocker.LOCK_EX, timeout=None)
        await asyncio.to_thread(lock.acquire)
        try:
            yield
        finally:
            lock.release()

    @asynccontextmanager
    async def lead(self, name: str) -> AsyncIterator[asyncio.Event | None]:
        lock = portalocker.Lock(
            self._path(name), mode="a", flags=portalocker.LOCK_EX | portalocker.LOCK_NB, timeout=0
        )
        try:
            lock.acquire()
        except portalocker.LockException:
            yield None
            return
        try:
            yield asyncio.Event()  # a lock file is not lost while the process lives
        finally:
            lock.release()
