"""Reports over conversations and handoffs in SQL: the operators' day report, the content
team's unanswered questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.dialogue.models import Role
from bot.operators.models import DayActivity, DayReport, day_bounds
from bot.storage.mapping import handoff_of
from bot.storage.tables import HandoffRow, MessageRow


class SqlReports:
    """Implements ``bot.operators.ports.Reports`` and ``bot.content.ports.UnansweredQuestions``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def day_report(self, day: datetime) -> DayReport:
        start, end = day_bounds(day)
        engaged = (
            select(MessageRow.conversation_id)
            .where(
                MessageRow.role == Role.CUSTOMER.value,
                MessageRow.created_at >= start,
                MessageRow.created_at < end,
            )
            .distinct()
        )
        opened = select(HandoffRow).where(
            HandoffRow.created_at >= start, HandoffRow.created_at < end
        )
        async with self._sessions() as session:
            conversations = set((await session.scalars(engaged)).all())
            rows = (await session.scalars(opened)).all()
        return DayReport.of(start, conversations, [handoff_of(row) for row in rows])

    async def day_activity(self, day: datetime) -> DayActivity:
        start, end = day_bounds(day)
        query = (
            select(MessageRow.route, MessageRow.answered_by, MessageRow.feedback, func.count())
            .where(
                MessageRow.role == Role.BOT.value,
                MessageRow.created_at >= start,
                MessageRow.created_at < end,
            )
            .group_by(MessageRow.route, MessageRow.answered_by, MessageRow.feedback)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return DayActivity.of((r, a, f, int(n)) for r, a, f, n in rows)

    async def unanswered(self, since: datetime, reasons: Sequence[str]) -> list[tuple[str, str]]:
        query = (
            select(MessageRow.text, HandoffRow.reason)
            .join(MessageRow, MessageRow.id == HandoffRow.trigger_message_id)
            .where(HandoffRow.created_at >= since, HandoffRow.reason.in_(list(reasons)))
            .order_by(HandoffRow.id)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [(str(text), str(reason)) for text, reason in rows]
