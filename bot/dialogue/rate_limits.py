"""In-memory ``RateLimiter``: a sliding window of accepted events per key, in this process.

An event is accepted while fewer than ``limit`` were accepted in the last ``window_s``
seconds; a refused event is not counted, so the answer «seconds until allowed» holds (the
moving-window strategy of the ``limits`` library, which the Redis twin shared by several
replicas uses: :mod:`bot.storage.redis.rates`). It keeps at most ``max_keys`` keys,
forgetting the one seen least recently first.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.dialogue.models import Rate


class MemoryRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self._clock = clock
        self._max_keys = max_keys
        self._accepted: dict[str, deque[float]] = {}  # oldest-seen key first

    async def hit(self, key: str, rate: Rate) -> float:
        now = self._clock()
        stamps = self._accepted.pop(key, None)
        if stamps is None:
            stamps = deque()
            if len(self._accepted) >= self._max_keys:
                del self._accepted[next(iter(self._accepted))]  # seen least recently
        self._accepted[key] = stamps  # now the most recently seen
        while stamps and stamps[0] <= now - rate.window_s:
            stamps.popleft()
        if len(stamps) < rate.limit:
            stamps.append(now)
            return 0.0
        return stamps[-rate.limit] + rate.window_s - now
