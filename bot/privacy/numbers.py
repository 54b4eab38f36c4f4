"""Personal data written in digits: cards, CVV, passports, SNILS, INN, accounts, phones.

A message is scanned once for runs of digits (groups joined by at most two spaces, dashes,
dots or brackets, an optional leading «+»); each run is classified by its length, its
checksum (Luhn for cards, the INN and SNILS check digits, python-stdnum where it has them),
its shape («45 12 345678» is a passport, «+7 (916) …» a phone) and the words just before it
(«паспорт», «ИНН», «CVV», «тел.»). A run that is none of these (an amount, a date, a
contract number, a reference that fails its checksum) is left alone. Every pattern here is
linear in the text's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from stdnum import luhn
from stdnum.ru import inn as ru_inn

from bot.privacy.kinds import Finding, PiiKind

# A digit, then up to 24 more, each after at most two separators: bounded, so linear.
_RUN = re.compile(r"(?<![\d+])\+?\d(?:[ \-.()\u00a0]{0,2}\d){0,24}(?!\d)")
_CONTEXT_CHARS = 48  # how far before a run its naming words are looked for

_CVV = re.compile(
    r"(?:cvv2?|cvc2?|cvv-?код|код\s+безопасности|security\s+code|на\s+обороте|сзади|"
    r"с\s+обратной\s+стороны|тр[её]хзначн|три\s+цифры|3\s+цифры|оборот)",
    re.IGNORECASE,
)
_PASSPORT = re.compile(r"(?:паспорт|серия|серии|passport)", re.IGNORECASE)
_PASSPORT_NUMBER = re.compile(r"(?:паспорт|серия|серии|номер|№|passport)", re.IGNORECASE)
_INN = re.compile(r"(?:инн|inn|taxpayer)", re.IGNORECASE)
_SNILS = re.compile(r"(?:снилс|страхов|snils)", re.IGNORECASE)
_PHONE = re.compile(
    r"(?:тел|моб|звон|номер\s+для\s+связи|whatsapp|ватсап|вайбер|viber|phone|call|"
    r"перезвон|контакт|sms|смс\s+на)",
    re.IGNORECASE,
)
_NOT_PERSONAL = re.compile(
    r"(?:договор|заявк|операци|транзакц|заказ|квитанц|чек|платёжк|платежк|поручени|"
    r"обращени|бик|корр?\.?\s*сч|к/с|reference|order|ticket|transaction|сумм|руб|₽)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Run:
    start: int
    end: int
    text: str
    digits: str
    before: str  # the text just before the run, lowercased

    def named(self, words: re.Pattern[str]) -> bool:
        return words.search(self.before) is not None


def find_numbers(text: str) -> Iterator[Finding]:
    """Every run of digits in ``text`` that is personal data, with its kind."""
    for match in _RUN.finditer(text):
        raw = match.group(0).rstrip(" -.(\u00a0")
        digits = re.sub(r"\D", "", raw)
        start = match.start()
        run = _Run(
            start, start + len(raw), raw, digits, text[max(0, start - _CONTEXT_CHARS) : start]
        )
        kind = _classify(run)
        if kind is not None:
            yield Finding(kind, run.start, run.end)


def _classify(run: _Run) -> PiiKind | None:
    n, digits = len(run.digits), run.digits
    if run.text.startswith("+"):
        return PiiKind.PHONE if 10 <= n <= 15 else None
    if n <= 4:
        if run.named(_CVV) and n >= 3:
            return PiiKind.CVV
        if n == 4 and _passport_part(run):
            return PiiKind.PASSPORT
        return None
    if n == 6 and _passport_part(run):
        return PiiKind.PASSPORT
    if n == 20:
        return PiiKind.ACCOUNT
    if 13 <= n <= 19 and luhn.is_valid(digits):
        return PiiKind.CARD
    if n == 12 and ru_inn.is_valid(digits):
        return PiiKind.INN
    if n == 11:
        return _eleven(run)
    if n == 10:
        return _ten(run)
    return None


def _passport_part(run: _Run) -> bool:
    """«серия 4512 номер 345678»: the series and the number, each in a passport's words."""
    return run.named(_PASSPORT) and run.named(_PASSPORT_NUMBER)


def _eleven(run: _Run) -> PiiKind | None:
    """An 11-digit run: SNILS («112-233-445 95») or a phone with its 7/8 prefix."""
    digits = run.digits
    snils = snils_valid(digits)
    if snils and (run.named(_SNILS) or re.fullmatch(r"\d{3}-\d{3}-\d{3}[ -]\d{2}", run.text)):
        return PiiKind.SNILS
    if digits[0] in "78" and (run.named(_PHONE) or not snils or "(" in run.text):
        return PiiKind.PHONE
    if snils and not run.named(_NOT_PERSONAL):
        return PiiKind.SNILS
    return None


def _ten(run: _Run) -> PiiKind | None:
    """A 10-digit run: a passport («45 12 345678»), an INN of a company, or a phone without
    its prefix («916 123-45-67»)."""
    digits, shape = run.digits, run.text
    if run.named(_PASSPORT) or re.fullmatch(r"\d{2} ?\d{2} \d{6}", shape):
        return PiiKind.PASSPORT
    if run.named(_INN) and ru_inn.is_valid(digits):
        return PiiKind.INN
    grouped = shape != digits  # typed with separators, as phones are
    if run.named(_PHONE) or (digits[0] == "9" and grouped):
        return PiiKind.PHONE
    if ru_inn.is_valid(digits) and not run.named(_NOT_PERSONAL):
        return PiiKind.INN
    return None


def snils_valid(digits: str) -> bool:
    """The SNILS check digits (the Pension Fund's rule), for an 11-digit string."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    if total < 100:
        check = total
    elif total in (100, 101):
        check = 0
    else:
        check = total % 101
        check = 0 if check == 100 else check
    return check == int(digits[9:])
