"""Console logins: argon2id password check, lockout after failures, server-side sessions.

The browser holds a random token in an HttpOnly, SameSite=Strict cookie; the database keeps
only its SHA-256, so a stolen database does not hand out sessions.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from bot.operators.models import Operator, OperatorRole
from bot.operators.passwords import check_strength, hash_password, needs_rehash, verify_password
from bot.storage.operators import SqlOperatorStore

log = logging.getLogger(__name__)

SESSION_COOKIE = "perimeter_operator"


class BadCredentials(Exception):
    pass


class LockedOut(Exception):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConsoleAuth:
    def __init__(
        self,
        store: SqlOperatorStore,
        *,
        session_ttl_s: float,
        max_failures: int,
        lockout_s: float,
    ) -> None:
        self._store = store
        self._ttl = timedelta(seconds=session_ttl_s)
        self._max_failures = max_failures
        self._lockout = timedelta(seconds=lockout_s)

    async def login(self, name: str, password: str) -> tuple[Operator, str, datetime]:
        """The operator, a new session token and its expiry; BadCredentials or LockedOut."""
        found = await self._store.credentials(name.strip().lower())
        now = datetime.now(UTC)
        if found is not None and found.locked_until and found.locked_until > now:
            verify_password(None, password)  # same cost as a real check
            log.info("console login refused: locked operator=%s", found.operator.name)
            raise LockedOut()
        valid = verify_password(found.password_hash if found else None, password)
        if found is None or not valid or not found.operator.active:
            if found is not None:
                await self._store.login_failed(found.operator.id, self._max_failures, self._lockout)
            log.info("console login failed")  # never the name typed: it may be a password
            raise BadCredentials()
        rehashed = hash_password(password) if needs_rehash(found.password_hash) else None
        await self._store.login_succeeded(found.operator.id, rehashed)
        token = secrets.token_urlsafe(32)
        expires = now + self._ttl
        await self._store.create_session(found.operator.id, token_hash(token), expires)
        log.info("console login operator=%s role=%s", found.operator.name, found.operator.role)
        return found.operator, token, expires

    async def operator(self, token: str | None) -> Operator | None:
        if not token or len(token) > 200:
            return None
        return await self._store.session_operator(token_hash(token))

    async def logout(self, token: str) -> None:
        await self._store.delete_session(token_hash(token))


async def create_operator(
    store: SqlOperatorStore,
    name: str,
    password: str,
    *,
    role: OperatorRole,
    display_name: str | None = None,
) -> Operator:
    """A new console account; the name is the login (lower case, letters, digits, . _ -)."""
    name = validate_name(name)
    check_strength(password, name)
    return await store.add_operator(name, display_name or name, role, hash_password(password))


def validate_name(name: str) -> str:
    name = name.strip().lower()
    if not (2 <= len(name) <= 64) or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError("a login has 2-64 letters, digits, dots, dashes or underscores")
    return name
