"""What the operators' desk refuses beyond the common HTTP errors (``bot.http.errors``)."""

from __future__ import annotations

from bot.http.errors import Conflict


class AlreadyTaken(Conflict):
    code = "already_taken"
