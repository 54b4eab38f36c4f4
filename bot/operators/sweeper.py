"""Background duties of the queue: automatic assignment (when on), the waiting-too-long
notice, and the queue's gauges."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.background import Background
from bot.dialogue.models import Priority
from bot.dialogue.ports import HandoffLog
from bot.observability.metrics import Metrics
from bot.operators.assignment import AutoAssigner
from bot.operators.desk import OperatorDesk
from bot.operators.ports import HandoffQueue, Presence, Reports

log = logging.getLogger(__name__)
_CONTAINMENT_EVERY = timedelta(seconds=60)


class QueueSweeper:
    """Every ``interval_s``: customers waiting longer than ``timeout_s`` are told so honestly
    and offered a callback (once per handoff); the queue gauges are refreshed."""

    def __init__(
        self,
        store: HandoffQueue,
        handoffs: HandoffLog,
        reports: Reports,
        desk: OperatorDesk,
        metrics: Metrics,
        *,
        timeout_s: float,
        interval_s: float,
        presence: Presence | None = None,
        assigner: AutoAssigner | None = None,
    ) -> None:
        self._presence = presence
        self._assigner = assigner
        self._store = store
        self._handoffs = handoffs
        self._reports = reports
        self._desk = desk
        self._metrics = metrics
        self._timeout = timedelta(seconds=timeout_s)
        self._interval_s = interval_s
        self._loop = Background()
        self._containment_at: datetime | None = None

    def start(self) -> None:
        self._loop.start(self._run())

    async def close(self) -> None:
        await self._loop.stop()

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("queue sweep failed")
            await asyncio.sleep(self._interval_s)

    async def sweep(self) -> int:
        """One pass; returns how many customers were offered a callback."""
        if self._assigner is not None:
            await self._assigner.assign_waiting()
        now = datetime.now(UTC)
        offered = 0
        for handoff in await self._store.waiting_since(now - self._timeout):
            marked = await self._handoffs.offer_callback(handoff.id)
            if marked is None:
                continue  # taken (or offered) meanwhile
            offered += 1
            log.info("queue timeout handoff=%s: callback offered", handoff.id)
            await self._desk.notify(
                marked, "handoff_queue_timeout", "system", commands=("request_callback",)
            )
        await self._gauges(now)
        return offered

    async def _gauges(self, now: datetime) -> None:
        counts = await self._store.queue_counts()
        for priority in Priority:
            self._metrics.queue_length.labels(priority.value).set(
                counts.get(f"queued:{priority.value}", 0)
            )
        owned = counts.get("status:assigned", 0) + counts.get("status:active", 0)
        self._metrics.handoffs_open.set(owned)
        if self._presence is not None:
            self._metrics.operators_online.set(len(await self._presence.online()))
        # Containment scans the day's messages: once a minute is plenty for a dashboard.
        if self._containment_at and now - self._containment_at < _CONTAINMENT_EVERY:
            return
        self._containment_at = now
        report = await self._reports.day_report(now)
        if report.containment is not None:
            self._metrics.containment.set(report.containment)
