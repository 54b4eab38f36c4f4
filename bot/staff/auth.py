"""Staff logins: argon2id password check, lockout after failures, server-side sessions.

The browser holds a random token in an HttpOnly, SameSite=Strict cookie; storage keeps only
its SHA-256, so a stolen database does not hand out sessions.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from bot.staff.errors import BadCredentials, LockedOut
from bot.staff.models import StaffMember
from bot.staff.passwords import hash_password, needs_rehash, verify_password
from bot.staff.ports import StaffAccounts, StaffSessions

log = logging.getLogger(__name__)

MAX_TOKEN_CHARS = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAuth:
    def __init__(
        self,
        accounts: StaffAccounts,
        sessions: StaffSessions,
        *,
        session_ttl_s: float,
        max_failures: int,
        lockout_s: float,
    ) -> None:
        self._accounts = accounts
        self._sessions = sessions
        self._ttl = timedelta(seconds=session_ttl_s)
        self._max_failures = max_failures
        self._lockout = timedelta(seconds=lockout_s)

    async def login(self, name: str, password: str) -> tuple[StaffMember, str, datetime]:
        """The member, a new session token and its expiry; BadCredentials or LockedOut."""
        found = await self._accounts.credentials(name.strip().lower())
        now = datetime.now(UTC)
        if found is not None and found.locked_until and found.locked_until > now:
            verify_password(None, password)  # same cost as a real check
            log.info("staff login refused: locked member=%s", found.member.name)
            raise LockedOut("Too many failed attempts: the account is locked for a while.")
        valid = verify_password(found.password_hash if found else None, password)
        if found is None or not valid or not found.member.active:
            if found is not None:
                await self._accounts.login_failed(
                    found.member.id, self._max_failures, self._lockout
                )
            log.info("staff login failed")  # never the name typed: it may be a password
            raise BadCredentials("Wrong login or password.")
        rehashed = hash_password(password) if needs_rehash(found.password_hash) else None
        await self._accounts.login_succeeded(found.member.id, rehashed)
        token = secrets.token_urlsafe(32)
        expires = now + self._ttl
        await self._sessions.create_session(found.member.id, token_hash(token), expires)
        log.info("staff login member=%s role=%s", found.member.name, found.member.role)
        return found.member, token, expires

    async def member(self, token: str | None) -> StaffMember | None:
        """Who holds this session token; None when there is no live session."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        return await self._sessions.session_member(token_hash(token))

    async def logout(self, token: str) -> None:
        await self._sessions.delete_session(token_hash(token))
