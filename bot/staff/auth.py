"""Staff logins: argon2id password check, lockout after failures, server-side sessions.

The browser holds a random token in an HttpOnly, SameSite=Strict cookie; storage keeps only
its SHA-256, so a stolen database does not hand out sessions.

A login costs an argon2id check (64 MiB, about 0.1-0.3 s of a core), so checks run in one
worker thread of their own, never on the event loop, with a short bounded queue; each
client address has a login rate; and every attempt is counted against the account before
its password is checked, in one atomic step, so parallel guesses cannot outrun the lockout.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bot.dialogue.models import Rate
from bot.dialogue.ports import RateLimiter
from bot.staff.errors import BadCredentials, LockedOut, LoginsBusy
from bot.staff.models import StaffMember
from bot.staff.passwords import hash_password, needs_rehash, verify_password
from bot.staff.ports import StaffAccounts, StaffSessions

log = logging.getLogger(__name__)

MAX_TOKEN_CHARS = 200
CHECKS_WAITING = 8  # password checks queued beyond the one running; more are refused (429)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAuth:
    def __init__(
        self,
        accounts: StaffAccounts,
        sessions: StaffSessions,
        *,
        session_ttl_s: float,
        idle_timeout_s: float,
        max_failures: int,
        lockout_s: float,
        limiter: RateLimiter,
        address_rate: Rate,
    ) -> None:
        self._accounts = accounts
        self._sessions = sessions
        self._ttl = timedelta(seconds=session_ttl_s)
        self._idle = timedelta(seconds=idle_timeout_s)
        self._max_failures = max_failures
        self._lockout = timedelta(seconds=lockout_s)
        self._limiter = limiter
        self._address_rate = address_rate
        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-check")
        self._checks = 0  # running and waiting

    async def login(
        self, name: str, password: str, address: str | None = None
    ) -> tuple[StaffMember, str, datetime]:
        """The member, a new session token and its expiry; BadCredentials, LockedOut or
        LoginsBusy (this address tried too often, or too many checks are waiting)."""
        wait = await self._limiter.hit(f"staff-login:{address or 'unknown'}", self._address_rate)
        if wait > 0:
            log.info("staff login refused: address rate")
            raise LoginsBusy(wait_s=math.ceil(wait))
        found = await self._accounts.credentials(name.strip().lower())
        claimed = found is not None and await self._accounts.claim_attempt(
            found.member.id, self._max_failures, self._lockout
        )
        if found is not None and not claimed:
            await self._verify(None, password)  # same cost as a real check
            log.info("staff login refused: locked member=%s", found.member.name)
            raise LockedOut("Too many failed attempts: the account is locked for a while.")
        valid = await self._verify(found.password_hash if found else None, password)
        if found is None or not valid or not found.member.active:
            log.info("staff login failed")  # never the name typed: it may be a password
            raise BadCredentials("Wrong login or password.")
        rehashed = None
        if needs_rehash(found.password_hash):
            loop = asyncio.get_running_loop()
            rehashed = await loop.run_in_executor(self._checker, hash_password, password)
        await self._accounts.login_succeeded(found.member.id, rehashed)
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + self._ttl
        await self._sessions.create_session(found.member.id, token_hash(token), expires)
        log.info("staff login member=%s role=%s", found.member.name, found.member.role)
        return found.member, token, expires

    async def _verify(self, password_hash: str | None, password: str) -> bool:
        """The argon2id check in the checker's thread; LoginsBusy when its queue is full."""
        if self._checks > CHECKS_WAITING:
            log.warning("staff login refused: %d password checks waiting", self._checks)
            raise LoginsBusy(wait_s=1)
        self._checks += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._checker, verify_password, password_hash, password
            )
        finally:
            self._checks -= 1

    async def member(self, token: str | None, *, touch: bool = False) -> StaffMember | None:
        """Who holds this session token; None when there is no live session (expired, or
        idle for longer than the idle timeout). ``touch``: a request the member made, which
        keeps the session alive (a console's socket checking on it does not)."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        return await self._sessions.session_member(token_hash(token), idle=self._idle, touch=touch)

    async def logout(self, token: str) -> None:
        await self._sessions.delete_session(token_hash(token))
