"""A circuit breaker: stop calling a service that keeps failing, probe it now and then.

::

    closed ──N consecutive failures──▶ open ──reset_after_s──▶ half_open
      ▲                                 ▲                          │ one trial call
      └──────────── trial succeeds ─────┼──────────────────────────┤
                                        └────── trial fails ───────┘

The caller asks :meth:`CircuitBreaker.allow` before each call and reports how it ended with
:meth:`record_success`, :meth:`record_failure` or :meth:`record_abandoned` (cancelled: no
verdict on the service). What counts as a failure is the caller's decision.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int,
        reset_after_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_after_s < 0:
            raise ValueError("reset_after_s must not be negative")
        self._threshold = failure_threshold
        self._reset_after_s = reset_after_s
        self._clock = clock
        self._lock = asyncio.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The state right now (for metrics); ``open`` turns ``half_open`` once the reset time
        has passed, even before the next call arrives."""
        if self._opened_at is None:
            return "closed"
        if self._trial_in_flight or self._clock() - self._opened_at >= self._reset_after_s:
            return "half_open"
        return "open"

    async def allow(self) -> bool:
        """May a call go out now? In ``half_open`` only one trial call at a time may."""
        async with self._lock:
            state = self.state
            if state == "closed":
                return True
            if state == "open" or self._trial_in_flight:
                return False
            self._trial_in_flight = True
            return True

    async def record_success(self) -> None:
        async with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    async def record_failure(self) -> None:
        async with self._lock:
            if self._opened_at is not None:  # the trial failed: open for another period
                self._opened_at = self._clock()
                self._trial_in_flight = False
                return
            self._failures += 1
            if self._failures >= self._threshold:
                self._opened_at = self._clock()
                self._failures = 0

    async def record_abandoned(self) -> None:
        """The call ended with no verdict (cancelled); let the next call be the trial."""
        async with self._lock:
            self._trial_in_flight = False
