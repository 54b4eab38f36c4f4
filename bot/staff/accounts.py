"""Managing staff accounts (``perimeter staff …``): create, list, new password, disable."""

from __future__ import annotations

import asyncio
import logging

from bot.staff.errors import UnknownMember
from bot.staff.models import StaffMember, StaffRole
from bot.staff.passwords import check_strength, hash_password, verify_password
from bot.staff.ports import StaffAccounts, StaffSessions

log = logging.getLogger(__name__)

# What `make run` gives its demo accounts (scripts/run.sh): found at startup, it is warned of.
DEMO_PASSWORD = "perimeter-demo"  # noqa: S105 - a known value to look for, not a secret


def validate_name(name: str) -> str:
    """The login as stored: lower case, 2-64 letters, digits, dots, dashes or underscores."""
    name = name.strip().lower()
    if not (2 <= len(name) <= 64) or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError("a login has 2-64 letters, digits, dots, dashes or underscores")
    return name


class StaffDirectory:
    def __init__(self, accounts: StaffAccounts, sessions: StaffSessions) -> None:
        self._accounts = accounts
        self._sessions = sessions

    async def add(
        self, name: str, password: str, *, role: StaffRole, display_name: str | None = None
    ) -> StaffMember:
        """A new account; ValueError for a bad login, WeakPassword, MemberExists."""
        name = validate_name(name)
        check_strength(password, name)
        member = await self._accounts.add_member(
            name, display_name or name, role, hash_password(password)
        )
        log.info("staff account created member=%s role=%s", name, role)
        return member

    async def member(self, name: str) -> StaffMember | None:
        return await self._accounts.member(validate_name(name))

    async def members(self) -> list[StaffMember]:
        return await self._accounts.list_members()

    async def change_password(self, name: str, password: str) -> None:
        """The member's sessions end."""
        name = validate_name(name)
        check_strength(password, name)
        member = await self._accounts.set_password(name, hash_password(password))
        await self._sessions.end_sessions(member.id)

    async def disable(self, name: str) -> None:
        """Locked out at once (the sessions end); the history stays."""
        member = await self._accounts.set_active(validate_name(name), False)
        await self._sessions.end_sessions(member.id)

    async def still_with_password(self, password: str) -> list[str]:
        """Logins of active accounts whose password is ``password`` (the demo's, at startup);
        each check in a worker thread."""
        found = []
        for member in await self._accounts.list_members():
            credentials = await self._accounts.credentials(member.name)
            if credentials is None or not member.active:
                continue
            if await asyncio.to_thread(verify_password, credentials.password_hash, password):
                found.append(member.name)
        return found

    async def enable(self, name: str) -> None:
        await self._accounts.set_active(validate_name(name), True)


__all__ = ["StaffDirectory", "UnknownMember", "validate_name"]
