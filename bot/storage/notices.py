"""The operators' ``EventNotices`` from PostgreSQL: LISTEN on the channel that the
``handoff_events`` trigger notifies (migration 0011) at every commit that adds events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
CHANNEL = "perimeter_events"


class PgEventNotices:
    def __init__(self, engine: AsyncEngine, *, ping_s: float = 10.0, retry_s: float = 2.0) -> None:
        self._engine = engine
        self._ping_s = ping_s
        self._retry_s = retry_s

    async def listen(self, wake: Callable[[], None]) -> None:
        while True:
            try:
                await self._listen_once(wake)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "event notices: listening failed (%s); again in %s s", exc, self._retry_s
                )
            await asyncio.sleep(self._retry_s)

    async def _listen_once(self, wake: Callable[[], None]) -> None:
        async with self._engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection  # asyncpg's Connection
            lost = asyncio.Event()

            def notice(*_: object) -> None:
                wake()

            driver.add_termination_listener(lambda *_: lost.set())
            await driver.add_listener(CHANNEL, notice)
            wake()  # whatever was committed while nobody listened
            try:
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), self._ping_s)
                    if not lost.is_set():  # a connection can die without telling
                        await asyncio.wait_for(driver.execute("SELECT 1"), self._ping_s)
            finally:
                with contextlib.suppress(Exception):
                    await driver.remove_listener(CHANNEL, notice)
                await conn.invalidate()  # never back to the pool with a listener attached
