"""Masking card and account numbers in what operators and the model read."""

from __future__ import annotations

import re

# 13-20 digits, possibly grouped by spaces or dashes: a card (PAN) or an account number.
_LONG_NUMBER = re.compile(r"(?<![\d+])(?:\d[ -]?){12,19}\d(?!\d)")


def mask_numbers(text: str) -> str:
    """«4276 1234 5678 5512» → «••5512»; phone numbers and short figures stay as they are."""

    def last4(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "••" + digits[-4:]

    return _LONG_NUMBER.sub(last4, text)
