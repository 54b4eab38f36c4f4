"""Colloquial and misspelt Russian that customers type, mapped to the words the knowledge base
and the intent examples use («скока» → «сколько», «кридит» → «кредит»).

Used only for searching and classifying; the customer's words are stored and shown as typed.
A short, reviewed list: each entry is a frequent chat spelling, never a guess.
"""

from __future__ import annotations

import re

_WORDS = {
    "скока": "сколько",
    "скоко": "сколько",
    "скок": "сколько",
    "када": "когда",
    "кагда": "когда",
    "щас": "сейчас",
    "чё": "что",
    "че": "что",
    "чо": "что",
    "следущий": "следующий",
    "следущая": "следующая",
    "следущего": "следующего",
    "плотеж": "платеж",
    "платежь": "платеж",
    "обслуживане": "обслуживание",
    "дебетовки": "дебетовой карты",
    "дебетовка": "дебетовая карта",
    "кредитка": "кредитная карта",
    "кредитке": "кредитной карте",
    "кредитки": "кредитной карты",
    "первоначалка": "первоначальный взнос",
    "первоначалку": "первоначальный взнос",
    "спб": "санкт-петербург",
    "питер": "санкт-петербург",
    "питере": "санкт-петербурге",
}
# Misspelt stems inside longer words: «кридиту», «кридитке», «ипатека».
_STEMS = (("кридит", "кредит"), ("ипатек", "ипотек"), ("вклат", "вклад"), ("перивод", "перевод"))
_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)


def _fix(match: re.Match[str]) -> str:
    word = match.group(0)
    lower = word.lower()
    for wrong, right in _STEMS:
        lower = lower.replace(wrong, right)
    return _WORDS.get(lower, lower if lower != word.lower() else word)


def normalize(text: str) -> str:
    return _WORD.sub(_fix, text)
