"""Which language a customer writes in: Russian or English."""

from __future__ import annotations

import re

from bot.dialogue.models import Lang

# Identifiers, codes and key=value pairs («customer_id=c-2002», «SMS-код») say nothing about
# the language a person writes in. Matched only from a word's start: from every position
# inside one long "word" the scan would cost quadratic time.
_NOT_WORDS = re.compile(r"(?<!\S)\S*[\d_=:/@]\S*")
# The opening of a message says its language; a longer one is refused later by its length,
# and must not cost more to refuse.
SAMPLE_CHARS = 2000


def detect_language(text: str, default: Lang = "ru") -> Lang:
    words = _NOT_WORDS.sub(" ", text[:SAMPLE_CHARS])
    cyrillic = sum(1 for ch in words if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    latin = sum(1 for ch in words if "a" <= ch.lower() <= "z")
    if cyrillic == 0 and latin == 0:
        return default
    return "ru" if cyrillic >= latin else "en"
