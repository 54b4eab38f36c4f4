"""``Presence`` shared by every replica: one hash field per open console, with an expiry.

Each console's field holds the time it stops counting; the replica that holds the socket
pushes it forward every third of ``ttl_s``, so a replica that dies takes its consoles offline
within ``ttl_s``. Readers skip and delete fields past their time.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.storage.redis.renewal import renewing

log = logging.getLogger(__name__)
KEY = "perimeter:presence"
AWAY_KEY = "perimeter:presence:away"  # operators who stepped away, until they are back
_SEP = "\x1f"  # not in a login (letters, digits, . _ -)


class RedisPresence:
    def __init__(self, redis: Redis, *, ttl_s: float = 30.0) -> None:
        self._redis = redis
        self._ttl_s = ttl_s

    @asynccontextmanager
    async def present(self, login: str) -> AsyncIterator[None]:
        field = f"{login}{_SEP}{uuid.uuid4().hex}"
        await self._mark(field)
        try:
            async with renewing(self._ttl_s / 3, lambda: self._mark(field), "presence"):
                yield
        finally:
            try:
                await self._redis.hdel(KEY, field)
            except RedisError:
                log.warning("presence: could not clear a closed console (it expires by itself)")

    async def online(self) -> set[str]:
        now = time.time()
        fields = {
            _text(field): float(until) for field, until in (await self._redis.hgetall(KEY)).items()
        }
        expired = [field for field, until in fields.items() if until < now]
        if expired:
            await self._redis.hdel(KEY, *expired)
        return {field.split(_SEP, 1)[0] for field, until in fields.items() if until >= now}

    async def set_away(self, login: str, away: bool) -> None:
        if away:
            await self._redis.sadd(AWAY_KEY, login)
        else:
            await self._redis.srem(AWAY_KEY, login)

    async def away(self) -> set[str]:
        return {_text(login) for login in await self._redis.smembers(AWAY_KEY)}

    async def _mark(self, field: str) -> None:
        await self._redis.hset(KEY, field, str(time.time() + self._ttl_s))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
