"""In-memory ``ConversationLocks``: an asyncio lock per key, in this process only.

A lock exists while someone holds or awaits it and is dropped afterwards, so the table stays
as small as the conversations being handled right now. Several replicas share a queue per
conversation in Redis instead (:mod:`bot.storage.redis.locks`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class MemoryConversationLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock wakes waiters in FIFO order
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        """Keys held or awaited right now."""
        return len(self._locks)
