"""State that several replicas share, in Redis: conversation locks, rate windows (which are
also Telegram's outbound budget) and operator presence.

Nothing here is the source of truth (that is the database): a Redis that restarts empty loses
only who holds a lock right now, recent rate windows and who has a console open, each of
which heals within its lease. Without ``redis.url`` the in-memory twins (one process) serve.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot.storage.redis.locks import RedisConversationLocks
from bot.storage.redis.presence import RedisPresence
from bot.storage.redis.rates import RedisRateLimiter


def connect(url: str) -> Redis:
    """A client with its own connection pool; it connects on first use."""
    return Redis.from_url(url, health_check_interval=30, socket_connect_timeout=5)


__all__ = ["RedisConversationLocks", "RedisPresence", "RedisRateLimiter", "connect"]
