"""``ConversationLocks`` shared by every replica: a Redis lock per conversation with a lease.

Inside one process, holders of a key queue on the in-memory locks first (FIFO, so one
customer's messages keep their order); only the head of that queue waits on Redis, polling
every 50 ms (redis-py's lock is not fair across processes). The lease is renewed while the
turn runs, so a turn longer than the lease keeps its lock, and a replica that dies mid-turn
frees the conversation when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from bot.dialogue.locks import MemoryConversationLocks

log = logging.getLogger(__name__)
PREFIX = "perimeter:lock:"


class RedisConversationLocks:
    def __init__(self, redis: Redis, *, lease_s: float = 15.0, poll_s: float = 0.05) -> None:
        self._redis = redis
        self._lease_s = lease_s
        self._poll_s = poll_s
        self._local = MemoryConversationLocks()

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with self._local.hold(key):
            lock = Lock(
                self._redis, PREFIX + key, timeout=self._lease_s, sleep=self._poll_s, blocking=True
            )
            await lock.acquire()
            renewal = asyncio.create_task(self._renew(lock, key))
            try:
                yield
            finally:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
                try:
                    await lock.release()
                except (LockError, RedisError):
                    # The lease ran out (Redis unreachable longer than it): another replica
                    # may have taken the conversation meanwhile; nothing left to release.
                    log.warning("conversation lock lease lost before its turn ended")

    async def _renew(self, lock: Lock, key: str) -> None:
        while True:
            await asyncio.sleep(self._lease_s / 3)
            try:
                await lock.reacquire()
            except (LockError, RedisError):
                log.warning("conversation lock: renewing the lease failed; retrying")

    def __len__(self) -> int:
        """Keys held or awaited right now by this process."""
        return len(self._local)
