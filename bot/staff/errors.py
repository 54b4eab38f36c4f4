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
