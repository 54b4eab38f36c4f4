"""Masking card, account and phone numbers in what customers, operators and the model read."""

from __future__ import annotations

import re

from bot.dialogue.phones import ANY_PHONE

# 13-20 digits, possibly grouped by spaces or dashes: a card (PAN) or an account number.
_LONG_NUMBER = re.compile(r"(?<![\d+])(?:\d[ -]?){12,19}\d(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")


def mask_card(number: str) -> str:
    """A card or account by its last four digits: «4276 1234 5678 5512» or «5512» → «••5512»."""
    return "••" + re.sub(r"\D", "", number)[-4:]


def mask_phone(phone: str) -> str:
    """A phone in E.164 with only its last four digits shown: «+7 ••• •••-22-33»."""
    return f"{phone[:2]} ••• •••-{phone[-4:-2]}-{phone[-2:]}" if len(phone) >= 6 else "•••"


def mask_numbers(text: str) -> str:
    """«4276 1234 5678 5512» → «••5512»; phone numbers and short figures stay as they are."""
    return _LONG_NUMBER.sub(lambda match: mask_card(match.group(0)), text)


def mask_personal(text: str) -> str:
    """For lists staff read in bulk (knowledge gaps): card and account numbers, phones and
    e-mail addresses hidden."""
    return _EMAIL.sub("[e-mail]", ANY_PHONE.sub("[телефон]", mask_numbers(text)))
