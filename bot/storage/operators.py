"""Operators, their console sessions, the handoff queue and its feed, in SQL."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.dialogue.models import (
    Button,
    Handoff,
    HandoffEvent,
    HandoffEventKind,
    HandoffStatus,
    Resolution,
    Role,
    Route,
    StoredMessage,
)
from bot.operators.models import (
    ConversationInfo,
    Credentials,
    DayReport,
    Operator,
    OperatorRole,
)
from bot.storage.handoffs import (
    SqlHandoffLog,
    add_event,
    aware,
    button_dicts,
    buttons_of,
    event_of,
    handoff_of,
)
from bot.storage.tables import (
    ConversationRow,
    HandoffEventRow,
    HandoffRow,
    MessageRow,
    OperatorRow,
    OperatorSessionRow,
)

_OPEN = (HandoffStatus.QUEUED.value, HandoffStatus.ASSIGNED.value, HandoffStatus.ACTIVE.value)
_OWNED = (HandoffStatus.ASSIGNED.value, HandoffStatus.ACTIVE.value)


class OperatorExists(Exception):
    pass


class UnknownOperator(Exception):
    pass


def _operator(row: OperatorRow) -> Operator:
    return Operator(row.id, row.name, row.display_name, OperatorRole(row.role), row.active)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class SqlOperatorStore(SqlHandoffLog):
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    # --- accounts --------------------------------------------------------------------------

    async def add_operator(
        self, name: str, display_name: str, role: OperatorRole, password_hash: str
    ) -> Operator:
        row = OperatorRow(
            name=name,
            display_name=display_name,
            role=role.value,
            password_hash=password_hash,
            active=True,
            failed_logins=0,
            created_at=datetime.now(UTC),
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            raise OperatorExists(name) from None
        return _operator(row)

    async def credentials(self, name: str) -> Credentials | None:
        async with self._sessions() as session:
            row = await session.scalar(select(OperatorRow).where(OperatorRow.name == name))
        if row is None:
            return None
        locked = aware(row.locked_until) if row.locked_until else None
        return Credentials(_operator(row), row.password_hash, row.failed_logins, locked)

    async def operator(self, name: str) -> Operator | None:
        found = await self.credentials(name)
        return found.operator if found else None

    async def list_operators(self) -> list[Operator]:
        async with self._sessions() as session:
            rows = (await session.scalars(select(OperatorRow).order_by(OperatorRow.name))).all()
        return [_operator(row) for row in rows]

    async def update_operator(self, name: str, **values: object) -> None:
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OperatorRow).where(OperatorRow.name == name).values(**values)
            )
        if not getattr(result, "rowcount", 0):
            raise UnknownOperator(name)

    async def login_failed(self, operator_id: int, max_failures: int, lockout: timedelta) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(OperatorRow, operator_id, with_for_update=True)
            if row is None:
                return
            row.failed_logins += 1
            if row.failed_logins >= max_failures:
                row.locked_until = datetime.now(UTC) + lockout
                row.failed_logins = 0

    async def login_succeeded(self, operator_id: int, password_hash: str | None = None) -> None:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if password_hash:
            values["password_hash"] = password_hash
        async with self._sessions.begin() as session:
            await session.execute(
                update(OperatorRow).where(OperatorRow.id == operator_id).values(**values)
            )

    # --- sessions --------------------------------------------------------------------------

    async def create_session(self, operator_id: int, token_hash: str, expires_at: datetime) -> None:
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            await session.execute(
                delete(OperatorSessionRow).where(OperatorSessionRow.expires_at < now)
            )
            session.add(
                OperatorSessionRow(
                    token_hash=token_hash,
                    operator_id=operator_id,
                    created_at=now,
                    expires_at=expires_at,
                    last_seen_at=now,
                )
            )

    async def session_operator(self, token_hash: str) -> Operator | None:
        """The operator of a live session; None when expired, unknown or deactivated."""
        now = datetime.now(UTC)
        query = (
            select(OperatorRow)
            .join(OperatorSessionRow, OperatorSessionRow.operator_id == OperatorRow.id)
            .where(
                OperatorSessionRow.token_hash == token_hash,
                OperatorSessionRow.expires_at > now,
                OperatorRow.active.is_(True),
            )
        )
        async with self._sessions() as session:
            row = await session.scalar(query)
        return _operator(row) if row is not None else None

    async def delete_session(self, token_hash: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(OperatorSessionRow).where(OperatorSessionRow.token_hash == token_hash)
            )

    async def end_sessions(self, operator_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(OperatorSessionRow).where(OperatorSessionRow.operator_id == operator_id)
            )

    # --- the queue ---------------------------------------------------------------------------

    async def open_handoffs(self) -> list[Handoff]:
        query = select(HandoffRow).where(HandoffRow.status.in_(_OPEN)).order_by(HandoffRow.id)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [handoff_of(row) for row in rows]

    async def handoff(self, handoff_id: str) -> Handoff | None:
        if not handoff_id.isdigit():
            return None
        async with self._sessions() as session:
            row = await session.get(HandoffRow, int(handoff_id))
        return handoff_of(row) if row is not None else None

    async def conversation_info(self, conversation_id: str) -> ConversationInfo | None:
        async with self._sessions() as session:
            row = await session.get(ConversationRow, conversation_id)
        if row is None:
            return None
        until = aware(row.authenticated_until) if row.authenticated_until else None
        authenticated = bool(row.customer_id and until and until > datetime.now(UTC))
        return ConversationInfo(row.channel, row.customer_id, authenticated)

    async def take(self, handoff_id: str, operator: str) -> Handoff | None:
        """Exactly one operator wins a queued handoff (compare-and-set on the status)."""
        return await self._change(
            handoff_id,
            operator,
            HandoffRow.status == HandoffStatus.QUEUED.value,
            status=HandoffStatus.ASSIGNED.value,
            operator=operator,
            assigned_at=datetime.now(UTC),
        )

    async def assign(self, handoff_id: str, operator: str, by: str) -> Handoff | None:
        current = await self.handoff(handoff_id)
        if current is None or not current.status.open:
            return None
        status = HandoffStatus.ACTIVE if current.first_reply_at else HandoffStatus.ASSIGNED
        return await self._change(
            handoff_id,
            by,
            HandoffRow.status.in_(_OPEN),
            status=status.value,
            operator=operator,
            assigned_at=datetime.now(UTC),
        )

    async def resolve(
        self, handoff_id: str, resolution: Resolution, by: str, *, owner: str | None
    ) -> Handoff | None:
        """Close an owned handoff; ``owner`` None lets a supervisor close anyone's."""
        conditions: list[ColumnElement[bool]] = [HandoffRow.status.in_(_OWNED)]
        if owner is not None:
            conditions.append(HandoffRow.operator == owner)
        return await self._change(
            handoff_id,
            by,
            *conditions,
            status=HandoffStatus.RESOLVED.value,
            resolution=resolution.value,
            resolved_at=datetime.now(UTC),
        )

    async def add_operator_message(
        self, handoff_id: str, operator: str, author: str, text: str
    ) -> tuple[Handoff, StoredMessage] | None:
        """Store the operator's reply; None unless the handoff is open and theirs."""
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            row = await session.get(HandoffRow, int(handoff_id), with_for_update=True)
            if row is None or row.status not in _OWNED or row.operator != operator:
                return None
            message = MessageRow(
                conversation_id=row.conversation_id,
                role=Role.OPERATOR.value,
                text=text,
                route=None,
                sources=[],
                created_at=now,
                author=author,
            )
            session.add(message)
            if row.first_reply_at is None:
                row.first_reply_at = now
            row.status = HandoffStatus.ACTIVE.value
            await session.flush()
            await add_event(
                session,
                HandoffEventKind.MESSAGE,
                row.id,
                row.conversation_id,
                operator,
                message_id=message.id,
            )
            handoff = handoff_of(row)
        stored = StoredMessage(
            str(message.id),
            message.conversation_id,
            Role.OPERATOR,
            text,
            now,
            author=author,
        )
        return handoff, stored

    async def add_bot_notice(
        self, handoff: Handoff, text: str, actor: str, buttons: Sequence[Button] = ()
    ) -> StoredMessage:
        """A message from the bot to the customer outside a turn (joined, resolved, timeout)."""
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            message = MessageRow(
                conversation_id=handoff.conversation_id,
                role=Role.BOT.value,
                text=text,
                route="operator",
                sources=[],
                created_at=now,
                buttons=button_dicts(buttons),
            )
            session.add(message)
            await session.flush()
            await add_event(
                session,
                HandoffEventKind.MESSAGE,
                int(handoff.id),
                handoff.conversation_id,
                actor,
                message_id=message.id,
            )
        return StoredMessage(
            str(message.id),
            handoff.conversation_id,
            Role.BOT,
            text,
            now,
            route=Route.OPERATOR,
            buttons=tuple(buttons),
        )

    async def message(self, message_id: str) -> StoredMessage | None:
        async with self._sessions() as session:
            row = await session.get(MessageRow, int(message_id))
        if row is None:
            return None
        return StoredMessage(
            str(row.id),
            row.conversation_id,
            Role(row.role),
            row.text,
            aware(row.created_at),
            route=Route(row.route) if row.route else None,
            author=row.author,
            buttons=buttons_of(row.buttons),
        )

    async def waiting_since(self, before: datetime) -> list[Handoff]:
        """Queued handoffs older than ``before`` not yet offered a callback."""
        query = select(HandoffRow).where(
            HandoffRow.status == HandoffStatus.QUEUED.value,
            HandoffRow.callback_offered_at.is_(None),
            HandoffRow.created_at <= before,
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [handoff_of(row) for row in rows]

    # --- the feed ----------------------------------------------------------------------------

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

    # --- records -----------------------------------------------------------------------------

    async def day_report(self, day: datetime) -> DayReport:
        start = day.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC)
        end = start + timedelta(days=1)
        engaged = (
            select(MessageRow.conversation_id)
            .where(
                MessageRow.role == Role.CUSTOMER.value,
                MessageRow.created_at >= start,
                MessageRow.created_at < end,
            )
            .distinct()
        )
        handoffs_query = select(HandoffRow).where(
            HandoffRow.created_at >= start, HandoffRow.created_at < end
        )
        async with self._sessions() as session:
            conversations = set((await session.scalars(engaged)).all())
            rows = (await session.scalars(handoffs_query)).all()
        handoffs = [handoff_of(row) for row in rows]
        waits = [(h.assigned_at - h.created_at).total_seconds() for h in handoffs if h.assigned_at]
        replies = [
            (h.first_reply_at - h.created_at).total_seconds() for h in handoffs if h.first_reply_at
        ]
        ratings = [h.csat for h in handoffs if h.csat is not None]
        handed_off = {h.conversation_id for h in handoffs}
        return DayReport(
            day=start.date().isoformat(),
            conversations=len(conversations | handed_off),
            handed_off=len(handed_off),
            handoffs_by_reason=dict(Counter(h.reason.value for h in handoffs)),
            resolutions=dict(Counter(h.resolution.value for h in handoffs if h.resolution)),
            median_wait_s=_median(waits),
            median_first_reply_s=_median(replies),
            csat_count=len(ratings),
            csat_average=sum(ratings) / len(ratings) if ratings else None,
            callbacks=sum(1 for h in handoffs if h.resolution is Resolution.CALLBACK),
        )

    async def queue_counts(self) -> dict[str, int]:
        """Open handoffs by status and queued ones by priority, for the gauges."""
        query = (
            select(HandoffRow.status, HandoffRow.priority, func.count())
            .where(HandoffRow.status.in_(_OPEN))
            .group_by(HandoffRow.status, HandoffRow.priority)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        counts: Counter[str] = Counter()
        for status, priority, number in rows:
            counts[f"status:{status}"] += number
            if status == HandoffStatus.QUEUED.value:
                counts[f"queued:{priority}"] += number
        return dict(counts)

    async def set_topic(self, handoff_id: str, topic_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(HandoffRow)
                .where(HandoffRow.id == int(handoff_id))
                .values(telegram_topic_id=topic_id)
            )

    async def handoff_by_topic(self, topic_id: int) -> Handoff | None:
        query = (
            select(HandoffRow)
            .where(HandoffRow.telegram_topic_id == topic_id)
            .order_by(HandoffRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(query)
        return handoff_of(row) if row is not None else None

    async def topic_of(self, handoff_id: str) -> int | None:
        async with self._sessions() as session:
            row = await session.get(HandoffRow, int(handoff_id))
        return row.telegram_topic_id if row is not None else None
