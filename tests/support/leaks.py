"""When a personal value counts as gone out: the gateway's tests and benchmark share the rule.

A value went out when the text sent holds the value itself, its digits inside a number (five
digits or more), or, for a name or an address, any of its words of three letters or more —
but the words of any address (street, house, city…) and country names, which name nobody.
"""

from __future__ import annotations

import re

_GENERIC_WORDS = """
    usa uk республика край округ
    apt avenue flat road st street г город д дом кв квартира корп корпус обл область пер
    переулок пр проспект р-н район россия рф стр строение ул улица улице улицу
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


def contains(value_type: str, value: str, sent: str) -> bool:
    """Whether ``value``, or an identifying part of it, is in ``sent``: the value itself; its
    digits inside a number sent; for a name or an address, any of its words."""
    text = " ".join(sent.lower().split())
    whole = re.escape(" ".join(value.lower().split()))
    if re.search(rf"(?<!\w){whole}(?!\w)", text):  # «Максим», not «максимум»
        return True
    digits = re.sub(r"\D", "", value)
    numbers = [re.sub(r"\D", "", run) for run in re.findall(r"\d[\d\s\-()+./]*\d", sent)]
    if len(digits) >= 5 and any(digits in run for run in numbers):
        return True
    if value_type in ("name", "address"):
        words = re.findall(r"[a-zа-яё]{3,}", value.lower())
        return any(
            re.search(rf"(?<![a-zа-яё]){re.escape(w)}(?![a-zа-яё])", text)
            for w in words
            if w not in _GENERIC
        )
    return False
