"""What ``bot.staff`` needs from storage; ``bot.storage`` implements both, in SQL and memory."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.staff.models import Credentials, StaffMember, StaffRole


class StaffAccounts(Protocol):
    async def add_member(
        self, name: str, display_name: str, role: StaffRole, password_hash: str
    ) -> StaffMember:
        """A new active account; raises ``MemberExists`` when the login is taken."""

    async def credentials(self, name: str) -> Credentials | None: ...

    async def member(self, name: str) -> StaffMember | None: ...

    async def list_members(self) -> list[StaffMember]:
        """Every account, by login."""

    async def set_password(self, name: str, password_hash: str) -> StaffMember:
        """A new hash; clears failures and lockout. Raises ``UnknownMember``."""

    async def set_active(self, name: str, active: bool) -> StaffMember:
        """Raises ``UnknownMember``."""

    async def claim_attempt(self, member_id: int, max_failures: int, lockout: timedelta) -> bool:
        """Count a login attempt as failed before its password is checked, in one atomic
        step; False when the login is locked. The ``max_failures``-th attempt since the last
        success locks it for ``lockout``, so parallel guesses cannot outrun the count."""

    async def login_succeeded(self, member_id: int, password_hash: str | None = None) -> None:
        """Clear failures; store ``password_hash`` when the old one needed rehashing."""


class StaffSessions(Protocol):
    """Server-side sessions, keyed by the SHA-256 of the browser's token."""

    async def create_session(self, member_id: int, token_hash: str, expires_at: datetime) -> None:
        """Also forgets expired sessions."""

    async def session_member(
        self, token_hash: str, *, idle: timedelta | None = None, touch: bool = False
    ) -> StaffMember | None:
        """The member of a live session; None when expired, unknown, disabled, or (with
        ``idle``) unused for longer than ``idle``. ``touch`` counts this as a use."""

    async def delete_session(self, token_hash: str) -> None: ...

    async def end_sessions(self, member_id: int) -> None:
        """Every session of this member ends (password changed, account disabled)."""
