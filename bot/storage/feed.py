"""The operators' ``EventLog`` in SQL: ``handoff_events`` in id (= commit) order."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.dialogue.models import HandoffEvent
from bot.storage.mapping import event_of
from bot.storage.tables import HandoffEventRow


class SqlEventLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def events_after(self, after: int, limit: int = 200) -> list[HandoffEvent]:
        query = (
            select(HandoffEventRow)
            .where(HandoffEventRow.id > after)
            .order_by(HandoffEventRow.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [event_of(row) for row in rows]

    async def last_event_id(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.max(HandoffEventRow.id))) or 0)
