"""Staff passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106 low-memory)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.staff.errors import WeakPassword

MIN_LENGTH = 12
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so a wrong name costs as long as a wrong password
    (hashed on first use, not when any command imports this module)."""
    return _HASHER.hash("perimeter-no-such-member")


def check_strength(password: str, name: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if name.lower() in password.lower():
        raise WeakPassword("the password must not contain the login name")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
