"""The operators' ``EventLog`` in memory (the twin of ``SqlEventLog``)."""

from __future__ import annotations

from bot.dialogue.models import HandoffEvent
from bot.storage.memory.database import MemoryDatabase


class MemoryEventLog:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def events_after(self, after: int, limit: int = 200) -> list[HandoffEvent]:
        return [e for e in self._db.events if e.id > after][:limit]

    async def last_event_id(self) -> int:
        return self._db.events[-1].id if self._db.events else 0
