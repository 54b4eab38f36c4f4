"""What staff accounts and logins refuse (the HTTP ones are ``bot.http.errors`` subclasses)."""

from __future__ import annotations

from bot.http.errors import NotLoggedIn, TooManyRequests


class MemberExists(Exception):
    """A staff account with this login exists already."""


class UnknownMember(Exception):
    """No staff account with this login."""


class WeakPassword(ValueError):
    """The password breaks the strength rule (``passwords.check_strength``)."""


class BadCredentials(NotLoggedIn):
    code = "bad_credentials"


class LockedOut(TooManyRequests):
    code = "locked"


class LoginsBusy(TooManyRequests):
    """Too many logins from one address, or too many password checks waiting."""

    code = "rate_limited"

    def __init__(self, wait_s: int) -> None:
        super().__init__(
            f"Too many login attempts: try again in {wait_s} s.",
            headers={"Retry-After": str(wait_s)},
        )
