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


_PHONE = re.compile(r"(?<![\d•])(?:\+7|8|7)?[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def mask_personal(text: str) -> str:
    """For lists staff read in bulk (knowledge gaps): card and account numbers, phones and
    e-mail addresses hidden."""
    return _EMAIL.sub("[e-mail]", _PHONE.sub("[телефон]", mask_numbers(text)))
