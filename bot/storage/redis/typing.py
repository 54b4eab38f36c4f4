"""Typing marks shared by every replica: a Redis key per mark, expiring by itself."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.operators.ports import Who
from bot.operators.typing import TTL_S

_PREFIX = "perimeter:typing:"


class RedisTyping:
    def __init__(self, redis: Redis, ttl_s: float = TTL_S) -> None:
        self._redis = redis
        self._ttl_ms = int(ttl_s * 1000)

    async def mark(self, conversation_id: str, who: Who) -> None:
        await self._redis.set(f"{_PREFIX}{who}:{conversation_id}", "1", px=self._ttl_ms)

    async def typing(self, conversation_id: str, who: Who) -> bool:
        return bool(await self._redis.exists(f"{_PREFIX}{who}:{conversation_id}"))
