"""Request fields whose documented shape must match what the domain accepts.

A customer's message and an operator's reply are checked by the domain (which answers with
its own localised reasons); their schema states the same rule, so that a client — or an
OpenAPI fuzzer — can tell valid input from invalid without trying.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from bot.http.errors import InvalidInput

# At least one character that is neither whitespace nor a control character (the domain
# drops control characters and surrounding whitespace, then refuses what is left empty).
VISIBLE = r"[^\s\x00-\x1f\x7f]"


def visible_text(max_chars: int, description: str) -> Any:
    """A text field of at most ``max_chars`` characters with something visible in it,
    documented but left to the domain to enforce."""
    return Field(
        description=f"{description} At most {max_chars} characters, not blank.",
        json_schema_extra={"minLength": 1, "maxLength": max_chars, "pattern": VISIBLE},
    )


DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # a query's day: YYYY-MM-DD, nothing a parser guesses


def day(value: str) -> date:
    """A ``DAY`` parameter as a date; a day that does not exist (2026-02-30) is refused."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not a day (YYYY-MM-DD)", code="bad_day") from None
