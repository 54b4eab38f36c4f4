"""Live updates for the console: the ordered event feed, pushed over WebSocket.

Events are rows in ``handoff_events`` (written in the same transaction as the change), so a
console that reconnects with ``?after=<last id>`` gets exactly what it missed, and changes
made by another process (``perimeter telegram``, another replica) reach it too. One watcher
per process learns the newest event id and wakes the sockets; each socket then reads what it
has not seen. With ``notices`` (PostgreSQL's LISTEN/NOTIFY) the database pushes every commit
and polling is only a safety net every ``safety_poll_s``; without, it polls every ``poll_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.background import Background
from bot.dialogue.models import HandoffEvent
from bot.operators.ports import EventLog, EventNotices

log = logging.getLogger(__name__)


class EventFeed:
    def __init__(
        self,
        store: EventLog,
        poll_s: float = 0.5,
        *,
        notices: EventNotices | None = None,
        safety_poll_s: float = 5.0,
    ) -> None:
        self._store = store
        self._notices = notices
        self._poll_s = poll_s if notices is None else safety_poll_s
        self._changed = asyncio.Condition()
        self._latest = 0
        self._watcher = Background()
        self._listener = Background()
        self._noticed = asyncio.Event()

    async def start(self) -> None:
        if not self._watcher.running:
            self._latest = await self._store.last_event_id()
            self._watcher.start(self._watch())
            if self._notices is not None:
                self._listener.start(self._notices.listen(self._noticed.set))

    async def close(self) -> None:
        await self._listener.stop()
        await self._watcher.stop()

    async def poke(self) -> None:
        """Something changed in this process: wake the sockets now, not at the next poll."""
        async with self._changed:
            self._changed.notify_all()

    async def wait(self, after: int, patience_s: float) -> None:
        """Return when there may be events newer than ``after`` (or after ``patience_s``)."""
        if self._latest > after:
            return
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), patience_s)

    async def _watch(self) -> None:
        while True:
            try:
                latest = await self._store.last_event_id()
            except Exception:
                log.exception("event feed: reading the newest event failed")
                latest = self._latest
            if latest != self._latest:
                self._latest = latest
                await self.poke()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._noticed.wait(), self._poll_s)
            self._noticed.clear()


async def follow(
    store: EventLog,
    feed: EventFeed,
    cursor: int,
    handle: Callable[[HandoffEvent], Awaitable[None]],
    name: str,
) -> None:
    """Hand every event after ``cursor`` to ``handle``, in order, for as long as it runs.

    An event whose handling fails is logged and passed over (at most once: what it would
    have pushed is in the transcript anyway).
    """
    while True:
        events: list[HandoffEvent] = []
        try:
            events = await store.events_after(cursor)
            for event in events:
                cursor = event.id
                await handle(event)
        except Exception:
            log.exception("%s: following the operators' feed failed", name)
        if not events:
            await feed.wait(cursor, patience_s=1.0)
