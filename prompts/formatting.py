"""Figures for customers, formatted per language: ``48 210,75 ₽`` / ``RUB 48,210.75``.

Values arrive as decimal strings from the bank's API and are formatted here, in templates;
they never pass through a language model.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

_NBSP = "\u00a0"
_SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥"}
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def money(value: str | Decimal, currency: str, lang: str) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    sign = "−" if amount < 0 else ""
    grouped = f"{abs(amount):,.2f}"  # 48,210.75
    if lang == "ru":
        number = grouped.replace(",", _NBSP).replace(".", ",")
        return f"{sign}{number}{_NBSP}{_SYMBOLS.get(currency, currency)}"
    return f"{sign}{currency}{_NBSP}{grouped}"


def day(value: str | date, lang: str) -> str:
    moment = value if isinstance(value, date) else date.fromisoformat(value)
    if lang == "ru":
        return moment.strftime("%d.%m.%Y")
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"
