"""Keeping a lease alive in the background while a block runs.

The renewal is stopped by an event, never cancelled: a redis-py command cancelled mid-flight
can leave its task waiting on the connection for good (seen as turns whose lock never went
away), so a renewal in flight is left to finish on its own, and nobody waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from redis.exceptions import RedisError

log = logging.getLogger(__name__)
_running: set[asyncio.Task[None]] = set()


@asynccontextmanager
async def renewing(
    every_s: float, renew: Callable[[], Awaitable[object]], what: str
) -> AsyncIterator[None]:
    stop = asyncio.Event()

    async def keep() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)
            if stop.is_set():
                return
            try:
                await renew()
            except RedisError:
                log.warning("%s: renewing failed; retrying", what)

    task = asyncio.create_task(keep())
    _running.add(task)  # referenced until it ends, never awaited
    task.add_done_callback(_running.discard)
    try:
        yield
    finally:
        stop.set()
