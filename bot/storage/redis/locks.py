"""``ConversationLocks`` shared by every replica: a fair queue per conversation in Redis.

A turn joins its conversation's queue (``RPUSH``: Redis orders arrivals from every replica)
and runs when it is at the head, so one customer's messages keep their order even when they
land on different replicas — a lock that waiters poll for would let a later message win.
Every member of a queue keeps a lease alive while it waits and while its turn runs; a member
whose lease lapsed (its replica died, even by SIGKILL) is dropped by whoever finds it at the
head, so a dead replica holds a conversation for at most ``lease_s``.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.storage.redis.renewal import renewing

log = logging.getLogger(__name__)
PREFIX = "perimeter:turns:"  # the queue of a conversation
ALIVE = "perimeter:turn-alive:"  # a member's lease
QUEUE_TTL_MS = 24 * 3600 * 1000
SLOW_S = 10  # a wait worth a warning: a long model answer ahead, or a dead replica's turn

# At the head? Members whose lease lapsed are dropped from the head first.
_AT_HEAD = """
local head = redis.call('LINDEX', KEYS[1], 0)
while head and head ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. head) == 0 do
    redis.call('LPOP', KEYS[1])
    head = redis.call('LINDEX', KEYS[1], 0)
end
return head == ARGV[1] and 1 or 0
"""


class RedisConversationLocks:
    def __init__(self, redis: Redis, *, lease_s: float = 15.0, poll_s: float = 0.02) -> None:
        self._redis = redis
        self._lease_ms = int(lease_s * 1000)
        self._poll_s = poll_s
        self._at_head = redis.register_script(_AT_HEAD)
        self._held = 0
        self._joining = asyncio.Lock()

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        queue, member = PREFIX + key, uuid.uuid4().hex
        alive = ALIVE + member
        # One join at a time in this process: its messages reach the queue in the order they
        # reached it (their commands would otherwise race on separate connections).
        async with self._joining, self._redis.pipeline(transaction=True) as joining:
            joining.set(alive, "1", px=self._lease_ms)
            joining.rpush(queue, member)
            joining.pexpire(queue, QUEUE_TTL_MS)
            await joining.execute()
        self._held += 1
        try:
            async with renewing(
                self._lease_ms / 3000, lambda: self._alive(alive), "a turn's lease"
            ):
                waiting_since, warned = time.monotonic(), False
                while not await self._at_head(keys=[queue], args=[member, ALIVE]):
                    await asyncio.sleep(self._poll_s)
                    if not warned and time.monotonic() - waiting_since > SLOW_S:
                        warned = True
                        ahead = await self._redis.llen(queue)
                        log.warning(
                            "a turn has waited %s s for its conversation: %d turn(s) ahead",
                            SLOW_S,
                            max(0, ahead - 1),
                        )
                yield
        finally:
            self._held -= 1
            try:
                await self._redis.lrem(queue, 1, member)
                await self._redis.delete(alive)
            except RedisError:
                log.warning("conversation queue: leaving failed (the lease lapses by itself)")

    async def _alive(self, alive: str) -> None:
        await self._redis.set(alive, "1", px=self._lease_ms)

    def __len__(self) -> int:
        """Turns of this process waiting or running right now."""
        return self._held
