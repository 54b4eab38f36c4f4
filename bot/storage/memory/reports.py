"""Reports in memory (the twin of ``SqlReports``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot.dialogue.models import Role
from bot.operators.models import DayActivity, DayReport, day_bounds
from bot.storage.memory.database import MemoryDatabase


class MemoryReports:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def day_report(self, day: datetime) -> DayReport:
        start, end = day_bounds(day)
        engaged = {
            m.conversation_id
            for m in self._db.messages.values()
            if m.role is Role.CUSTOMER and start <= m.created_at < end
        }
        opened = [h for h in self._db.handoffs.values() if start <= h.created_at < end]
        return DayReport.of(start, engaged, opened)

    async def day_activity(self, day: datetime) -> DayActivity:
        start, end = day_bounds(day)
        said = [
            m
            for m in self._db.messages.values()
            if m.role is Role.BOT and start <= m.created_at < end
        ]
        rows = Counter(
            (
                m.route.value if m.route else None,
                m.answered_by,
                None if m.feedback is None else (1 if m.feedback else -1),
            )
            for m in said
        )
        return DayActivity.of((r, a, f, n) for (r, a, f), n in rows.items())

    async def unanswered(self, since: datetime, reasons: Sequence[str]) -> list[tuple[str, str]]:
        found = []
        for h in self._db.handoffs.values():
            trigger = self._db.messages.get(h.trigger_message_id or "")
            if h.created_at >= since and h.reason.value in reasons and trigger is not None:
                found.append((trigger.text, h.reason.value))
        return found
