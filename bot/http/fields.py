"""Request fields whose documented shape must match what the domain accepts.

A customer's message and an operator's reply are checked by the domain (which answers with
its own localised reasons); their schema states the same rule, so that a client — or an
OpenAPI fuzzer — can tell valid input from invalid without trying.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

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
