"""Which language a customer writes in: Russian or English."""

from __future__ import annotations

from bot.dialogue.models import Lang


def detect_language(text: str, default: Lang = "ru") -> Lang:
    cyrillic = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    if cyrillic == 0 and latin == 0:
        return default
    return "ru" if cyrillic >= latin else "en"
