"""Staff accounts and sessions in memory (the twin of ``SqlStaffStore``)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.staff.errors import MemberExists, UnknownMember
from bot.staff.models import Credentials, StaffMember, StaffRole


class MemoryStaffStore:
    def __init__(self) -> None:
        self._accounts: dict[str, Credentials] = {}
        # token hash → member id, expiry, last use
        self._sessions: dict[str, tuple[int, datetime, datetime]] = {}

    async def add_member(
        self, name: str, display_name: str, role: StaffRole, password_hash: str
    ) -> StaffMember:
        if name in self._accounts:
            raise MemberExists(name)
        member = StaffMember(len(self._accounts) + 1, name, display_name, role)
        self._accounts[name] = Credentials(member, password_hash, 0, None)
        return member

    async def credentials(self, name: str) -> Credentials | None:
        return self._accounts.get(name)

    async def member(self, name: str) -> StaffMember | None:
        found = self._accounts.get(name)
        return found.member if found else None

    async def list_members(self) -> list[StaffMember]:
        return [self._accounts[name].member for name in sorted(self._accounts)]

    async def set_password(self, name: str, password_hash: str) -> StaffMember:
        found = self._known(name)
        self._accounts[name] = Credentials(found.member, password_hash, 0, None)
        return found.member

    async def set_active(self, name: str, active: bool) -> StaffMember:
        found = self._known(name)
        member = dataclasses.replace(found.member, active=active)
        self._accounts[name] = dataclasses.replace(found, member=member)
        return member

    async def claim_attempt(self, member_id: int, max_failures: int, lockout: timedelta) -> bool:
        found = self._by_id(member_id)
        now = datetime.now(UTC)
        if found is None or (found.locked_until is not None and found.locked_until > now):
            return False
        failures, locked = found.failed_logins + 1, None
        if failures >= max_failures:
            failures, locked = 0, now + lockout
        self._accounts[found.member.name] = dataclasses.replace(
            found, failed_logins=failures, locked_until=locked
        )
        return True

    async def login_succeeded(self, member_id: int, password_hash: str | None = None) -> None:
        found = self._by_id(member_id)
        if found is None:
            return
        self._accounts[found.member.name] = dataclasses.replace(
            found,
            password_hash=password_hash or found.password_hash,
            failed_logins=0,
            locked_until=None,
        )

    async def create_session(self, member_id: int, token_hash: str, expires_at: datetime) -> None:
        now = datetime.now(UTC)
        self._sessions = {k: v for k, v in self._sessions.items() if v[1] >= now}
        self._sessions[token_hash] = (member_id, expires_at, now)

    async def session_member(
        self, token_hash: str, *, idle: timedelta | None = None, touch: bool = False
    ) -> StaffMember | None:
        session = self._sessions.get(token_hash)
        now = datetime.now(UTC)
        if session is None or session[1] <= now:
            return None
        if idle is not None and session[2] <= now - idle:
            return None
        found = self._by_id(session[0])
        if found is None or not found.member.active:
            return None
        if touch:
            self._sessions[token_hash] = (session[0], session[1], now)
        return found.member

    async def delete_session(self, token_hash: str) -> None:
        self._sessions.pop(token_hash, None)

    async def end_sessions(self, member_id: int) -> None:
        self._sessions = {k: v for k, v in self._sessions.items() if v[0] != member_id}

    def _known(self, name: str) -> Credentials:
        found = self._accounts.get(name)
        if found is None:
            raise UnknownMember(name)
        return found

    def _by_id(self, member_id: int) -> Credentials | None:
        return next((c for c in self._accounts.values() if c.member.id == member_id), None)
