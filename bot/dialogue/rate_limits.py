"""In-memory ``RateLimiter``: a sliding window of accepted events per key, in this process.

An event is accepted while fewer than ``limit`` were accepted in the last ``window_s``
seconds; a refused event is not counted, so the answer «seconds until allowed» holds (the
moving-window strategy of the ``limits`` library, which the Redis implementation uses).
Several replicas need that implementation instead.
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
        self._accepted: dict[str, tuple[float, deque[float]]] = {}  # key: (window_s, stamps)

    async def hit(self, key: str, rate: Rate) -> float:
        now = self._clock()
        if key not in self._accepted and len(self._accepted) >= self._max_keys:
            self._forget_idle(now)
        _, stamps = self._accepted.get(key, (rate.window_s, deque()))
        self._accepted[key] = (rate.window_s, stamps)
        while stamps and stamps[0] <= now - rate.window_s:
            stamps.popleft()
        if len(stamps) < rate.limit:
            stamps.append(now)
            return 0.0
        return stamps[-rate.limit] + rate.window_s - now

    def _forget_idle(self, now: float) -> None:
        """Drop keys with nothing accepted within their window."""
        self._accepted = {
            key: (window, stamps)
            for key, (window, stamps) in self._accepted.items()
            if stamps and stamps[-1] > now - window
        }
