"""``RateLimiter`` shared by every replica: the ``limits`` library's moving window in Redis.

The same semantics as the in-memory twin (an event is accepted while fewer than ``limit`` were
accepted in the window; a refused one is not counted), kept in Redis so that the budget is
the bank's, not each process's. Windows are whole seconds (``limits``' granularity): a window
of 0.5 s counts as 1 s, which only ever makes a limit stricter.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from bot.dialogue.models import Rate


def _storage_uri(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"async+{scheme}://{rest}"


class RedisRateLimiter:
    def __init__(self, redis: Redis, url: str, *, prefix: str = "perimeter:rate") -> None:
        # On the process's own connection pool: one set of connections, closed with it.
        self._storage = RedisStorage(
            _storage_uri(url),
            implementation="redispy",
            key_prefix=prefix,
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]  # typed too narrowly
        )
        self._limiter = MovingWindowRateLimiter(self._storage)

    async def hit(self, key: str, rate: Rate) -> float:
        item = RateLimitItemPerSecond(rate.limit, max(1, math.ceil(rate.window_s)))
        if await self._limiter.hit(item, key):
            return 0.0
        stats = await self._limiter.get_window_stats(item, key)
        return max(0.001, stats.reset_time - time.time())

    async def ready(self) -> None:
        """Raises when Redis does not answer."""
        if not await self._storage.check():
            raise ConnectionError("Redis does not answer")
