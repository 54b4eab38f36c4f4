"""Staff accounts and their sessions in SQL (``bot.staff.ports``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.staff.errors import MemberExists, UnknownMember
from bot.staff.models import Credentials, StaffMember, StaffRole
from bot.storage.tables import StaffMemberRow, StaffSessionRow


def _member(row: StaffMemberRow) -> StaffMember:
    return StaffMember(row.id, row.name, row.display_name, StaffRole(row.role), row.active)


class SqlStaffStore:
    """Implements ``StaffAccounts`` and ``StaffSessions``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    # --- accounts --------------------------------------------------------------------------

    async def add_member(
        self, name: str, display_name: str, role: StaffRole, password_hash: str
    ) -> StaffMember:
        row = StaffMemberRow(
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
            raise MemberExists(name) from None
        return _member(row)

    async def credentials(self, name: str) -> Credentials | None:
        async with self._sessions() as session:
            row = await session.scalar(select(StaffMemberRow).where(StaffMemberRow.name == name))
        if row is None:
            return None
        return Credentials(_member(row), row.password_hash, row.failed_logins, row.locked_until)

    async def member(self, name: str) -> StaffMember | None:
        found = await self.credentials(name)
        return found.member if found else None

    async def list_members(self) -> list[StaffMember]:
        query = select(StaffMemberRow).order_by(StaffMemberRow.name)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [_member(row) for row in rows]

    async def set_password(self, name: str, password_hash: str) -> StaffMember:
        return await self._update(
            name, password_hash=password_hash, failed_logins=0, locked_until=None
        )

    async def set_active(self, name: str, active: bool) -> StaffMember:
        return await self._update(name, active=active)

    async def _update(self, name: str, **values: object) -> StaffMember:
        async with self._sessions.begin() as session:
            row = await session.scalar(
                select(StaffMemberRow).where(StaffMemberRow.name == name).with_for_update()
            )
            if row is None:
                raise UnknownMember(name)
            for key, value in values.items():
                setattr(row, key, value)
            return _member(row)

    async def claim_attempt(self, member_id: int, max_failures: int, lockout: timedelta) -> bool:
        now = datetime.now(UTC)
        reaching = StaffMemberRow.failed_logins + 1 >= max_failures
        claim = (
            update(StaffMemberRow)
            .where(
                StaffMemberRow.id == member_id,
                or_(StaffMemberRow.locked_until.is_(None), StaffMemberRow.locked_until <= now),
            )
            .values(
                failed_logins=case((reaching, 0), else_=StaffMemberRow.failed_logins + 1),
                locked_until=case((reaching, now + lockout), else_=None),
            )
        )
        async with self._sessions.begin() as session:
            result = await session.execute(claim)
        return bool(getattr(result, "rowcount", 0))

    async def login_succeeded(self, member_id: int, password_hash: str | None = None) -> None:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if password_hash:
            values["password_hash"] = password_hash
        async with self._sessions.begin() as session:
            await session.execute(
                update(StaffMemberRow).where(StaffMemberRow.id == member_id).values(**values)
            )

    # --- sessions --------------------------------------------------------------------------

    async def create_session(self, member_id: int, token_hash: str, expires_at: datetime) -> None:
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            await session.execute(delete(StaffSessionRow).where(StaffSessionRow.expires_at < now))
            session.add(
                StaffSessionRow(
                    token_hash=token_hash,
                    operator_id=member_id,
                    created_at=now,
                    expires_at=expires_at,
                    last_seen_at=now,
                )
            )

    async def session_member(
        self, token_hash: str, *, idle: timedelta | None = None, touch: bool = False
    ) -> StaffMember | None:
        now = datetime.now(UTC)
        query = (
            select(StaffMemberRow)
            .join(StaffSessionRow, StaffSessionRow.operator_id == StaffMemberRow.id)
            .where(
                StaffSessionRow.token_hash == token_hash,
                StaffSessionRow.expires_at > now,
                StaffMemberRow.active.is_(True),
            )
        )
        if idle is not None:
            query = query.where(StaffSessionRow.last_seen_at > now - idle)
        async with self._sessions.begin() as session:
            row = await session.scalar(query)
            if row is not None and touch:
                await session.execute(
                    update(StaffSessionRow)
                    .where(StaffSessionRow.token_hash == token_hash)
                    .values(last_seen_at=now)
                )
        return _member(row) if row is not None else None

    async def delete_session(self, token_hash: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(StaffSessionRow).where(StaffSessionRow.token_hash == token_hash)
            )

    async def end_sessions(self, member_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                delete(StaffSessionRow).where(StaffSessionRow.operator_id == member_id)
            )
