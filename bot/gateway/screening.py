"""Is a request free of personal data? The detector's findings, and what merely looks like it.

The personal-data detector (``bot.privacy``) finds what it can name: cards, phones,
passports, SNILS, INN, accounts, e-mails, names, addresses. Its names and addresses are its
weak kinds (a lowercase surname, a street without its street word). A request sent *outside*
the bank must be proven free of personal data, so the screen adds what only looks like it,
and errs on the side of keeping a request at home:

- ``number``: five digits or more in one group (spaces, dashes, brackets between), unless an
  amount (a currency, a percent or kopecks beside it) or an ISO date;
- ``name``: a word whose likeliest reading is a first name, surname or patronymic
  (pymorphy3's dictionary and its guesses by suffix: «жуков», «алёна», «хабибуллин»), or a
  capitalised word inside a sentence that is a name in any reading; in Latin script, a
  capitalised word inside a sentence that is not a common word; and a name's neighbours
  that are capitalised or a name in some reading («Вера Павловна»);
- ``place``: a street word with a house number or a street's name after it («ул. Лесная
  82-6», «проспект Мира»), a region («Свердловская обл.», «Республика Татарстан»), and a
  city or region by the dictionary near an address (a city alone names nobody);
- ``cvv``: three or four digits just after a card's expiry («11/27, 902»);
- ``email``: anything with an «@» inside a word;
- ``birthdate``: a date after words that say it is a birthday («дата рождения», «д.р.»,
  «born», «DOB»), and any full date twelve years old or more;
- in Latin letters, names no capital shows: a first name next to a surname from the US
  census's lists («felix sutcliffe»), and words in capitals that are not abbreviations
  («LACHANCE LAURA»).

The findings and the suspicions together are the screen's spans: a request with any span is
personal (it goes to a private upstream, or out with the spans pseudonymized).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources

from bot.privacy.detector import PiiDetector
from rag.sparse import morph_analyzer

MAX_SCREEN_CHARS = 200_000  # a request's text is bounded before it gets here


@dataclass(frozen=True, slots=True)
class Span:
    kind: str  # a detector's kind (card, phone…), or number | name | place | email
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Screening:
    spans: tuple[Span, ...]

    @property
    def personal(self) -> bool:
        return bool(self.spans)

    def counts(self) -> dict[str, int]:
        return dict(Counter(span.kind for span in self.spans))


_DIGITS = re.compile(r"\+?\d(?:[ \t\-()]{0,3}\d){4,}")
_AMOUNT_AFTER = re.compile(
    r"\s{0,2}(?:₽|руб|р\.|р\b|rub|\$|€|usd|eur|тыс|млн|млрд|%|процент|k\b|m\b)", re.IGNORECASE
)
_AMOUNT_BEFORE = re.compile(r"(?:[$€₽]|usd|eur|rub)\s{0,2}$", re.IGNORECASE)
_KOPECKS = re.compile(r"[.,]\d{2}(?![\d.,])")  # «1 500 000,00»: an amount
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AT_WORD = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w.-]{1,255}")
_WORD = re.compile(r"[А-ЯЁа-яёA-Za-z][А-ЯЁа-яёA-Za-z'\-]*")
_STREET = re.compile(
    r"(?<![\w])(?:ул|улиц[аеыу]|пр-?к?т|просп|проспект[аеу]?|пер|переул[оа]к[аеу]?|б-р|"
    r"бульвар[аеу]?|шоссе|наб|набережн(?:ая|ой|ую)|пл|площад[ьи]|пр-д|проезд[аеу]?|мкр|"
    r"микрорайон[аеу]?|тупик[аеу]?|аллея|аллеи|тракт[аеу]?|дом|д|кв|квартир[аеыу]|корп|"
    r"корпус[аеу]?|стр|строени[ея]|street|st|avenue|ave|road|rd|lane|boulevard|blvd|"
    r"drive|apt|apartment|flat)(?![\w])\.?",
    re.IGNORECASE,
)
_AFTER_STREET = re.compile(r"(?:[\s,.№-]{1,3}(?:[А-ЯЁа-яёA-Za-z\-]{1,30}|\d[\w/\-]{0,8})){1,4}")
_STREET_WORDS = """
    ул улица улице улицу улицы пр-т пркт просп проспект проспекте пер переулок переулке б-р
    бульвар бульваре шоссе наб набережная набережной пл площадь площади пр-д проезд мкр
    микрорайон street st avenue ave road rd lane boulevard blvd drive
"""
_STREET_NAMES = frozenset(_STREET_WORDS.split())
_CAPITAL = re.compile(r"[А-ЯЁA-Z]")
_POSTAL_INDEX = re.compile(r"(?<!\d)\d{6}(?!\d)")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_MONTHS = (
    r"(?:январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|сентябр[яь]|"
    r"октябр[яь]|ноябр[яь]|декабр[яь]|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|"
    r"june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s{1,2}"
    + _MONTHS
    + r",?\s{1,2}\d{2,4}(?:\s{0,2}г(?:ода|\.)?)?|"
    + _MONTHS
    + r"\s{1,2}\d{1,2},?\s{1,2}\d{4})"
)
# A date after words that say it is someone's birthday: «дата рождения: 12.03.1985», «д.р.
# 12/03/85», «born 5 June 1953», «DOB 1985-03-12».
_BIRTHDATE = re.compile(
    r"(?:рожд|родил|д\.\s?р\.?|\bд/р|\bдр\b|birth|born|\bdob\b)[^\n\d]{0,30}?(" + _DATE + ")",
    re.IGNORECASE,
)
# A full date with a year long past is most likely someone's birthday, wherever it stands
# («Иванов И. И., 12.03.1977 г.р.»; a table of names and dates).
_FULL_DATE = re.compile(
    r"(?<![\d.])(?:\d{1,2}[./-]\d{1,2}[./-](\d{4}|\d{2})|(\d{4})-\d{2}-\d{2}|\d{1,2}\s{1,2}"
    + _MONTHS
    + r",?\s{1,2}(\d{4})(?:\s{0,2}г(?:ода|\.)?)?|"
    + _MONTHS
    + r"\s{1,2}\d{1,2},?\s{1,2}(\d{4}))(?![\d])",
    re.IGNORECASE,
)
_REGION = re.compile(
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?=\s{1,2}(?:обл\b|область|кра[йя]|район|р-н|округ))"
    r"|(?<=республика\s)[А-ЯЁ][а-яё]+|(?<=респ\.\s)[А-ЯЁ][а-яё]+"
)
# Three or four digits just after a card's expiry: its CVV («12/27, 902», «/29 код 379»).
_CVV_AFTER_EXPIRY = re.compile(r"\d{2}\s?/\s?\d{2}\D{1,8}?(?<!\d)(\d{3,4})(?!\d)")
_BIRTH_YEARS_BACK = 12  # a year this far back or more: a date of birth, not of a payment
_ACRONYM_WORDS = """
    atm api bic iban swift sms pin cvv cvc usd eur rub gbp cny visa mir otp pdf id ok faq
    vip crm abs kyc aml gdpr it hr ceo cfo qr nfc usa uk eu rf
"""
_ACRONYMS = frozenset(_ACRONYM_WORDS.split())
# Words of a bank's trade the dictionary reads as places or names («снилс» is a town).
_TRADE_WORDS = frozenset(
    {"снилс", "инн", "огрн", "огрнип", "бик", "кпп", "окпо", "пин", "cvv", "cvc", "мир", "сбп"}
)
# Latin words that open a sentence without naming anyone.
_OPENER_WORDS = """
    a an the i i'm i've i'd my our your we you he she it they this that these those there
    here what which who whom whose why when where how can could would should will shall may
    might must do does did is are was were be been have has had please hello hi hey dear
    thanks thank yes no ok okay if then so but and or also as at by for from in into of on
    to with about after before during all any each every some no not one two three first
    write draft summarize summarise classify translate rewrite extract list give tell explain
    make create answer reply check find show describe compare suggest send provide return
    note subject re fw fwd regards best kind sincerely customer client operator agent
    manager bank card account loan deposit mortgage transfer payment today tomorrow yesterday
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december"""
_OPENERS = frozenset(_OPENER_WORDS.split())


class Screen:
    def __init__(self, detector: PiiDetector) -> None:
        self._detector = detector

    def screen(self, text: str) -> Screening:
        """The spans of personal data, found or suspected, in ``text``, without overlaps."""
        text = text[:MAX_SCREEN_CHARS]
        found = [Span(f.kind.value, f.start, f.end) for f in self._detector.find(text)]
        found.extend(_numbers(text))
        found.extend(Span("email", m.start(), m.end()) for m in _AT_WORD.finditer(text))
        found.extend(_streets(text))
        found.extend(Span("birthdate", m.start(1), m.end(1)) for m in _BIRTHDATE.finditer(text))
        found.extend(_old_dates(text))
        found.extend(Span("place", m.start(), m.end()) for m in _REGION.finditer(text))
        found.extend(Span("cvv", m.start(1), m.end(1)) for m in _CVV_AFTER_EXPIRY.finditer(text))
        found.extend(_words(text, found))
        return Screening(tuple(_merged(found)))


def _numbers(text: str) -> Iterator[Span]:
    for match in _DIGITS.finditer(text):
        if sum(c.isdigit() for c in match.group()) < 5:
            continue
        before = text[max(0, match.start() - 5) : match.start()]
        if (
            _AMOUNT_AFTER.match(text, match.end())
            or _AMOUNT_BEFORE.search(before)
            or _KOPECKS.match(text, match.end())
            or _ISO_DATE.fullmatch(match.group())
        ):
            continue
        yield Span("number", match.start(), match.end())


def _old_dates(text: str) -> Iterator[Span]:
    this_year = date.today().year
    for match in _FULL_DATE.finditer(text):
        written = next(g for g in match.groups() if g is not None)
        year = int(written)
        if len(written) == 2:  # «12/03/85»: the latest century that puts it in the past
            year += 2000 if year <= this_year % 100 else 1900
        if year <= this_year - _BIRTH_YEARS_BACK:
            yield Span("birthdate", match.start(), match.end())


def _streets(text: str) -> Iterator[Span]:
    """A street word and what follows it, when that has a house number or a street's name
    («ул. Лесная 82-6», «проспект Мира»); not «квартира в новостройке»."""
    for match in _STREET.finditer(text):
        tail = _AFTER_STREET.match(text, match.end())
        if tail is None:
            continue
        after = tail.group()
        named = match.group().rstrip(".").lower() in _STREET_NAMES and _CAPITAL.search(after)
        if any(c.isdigit() for c in after) or named:
            yield Span("place", match.start(), tail.end())


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    kind: str | None  # name | place (a place only near an address), or None
    joins: bool  # capitalised, or a name in some reading: part of a name next to it
    capital: bool
    latin: bool


def _words(text: str, found: list[Span]) -> list[Span]:
    words: list[_Word] = []
    for match in _WORD.finditer(text):
        words.append(_word(match.group(), match.start(), _opens_sentence(text, match.start())))
    # A place (a city, a region) is personal only as part of an address.
    addresses = [s for s in found if s.kind in ("address", "place")]
    addresses.extend(Span("index", m.start(), m.end()) for m in _POSTAL_INDEX.finditer(text))
    kinds = [w.kind if w.kind != "place" or _near(w, addresses) else None for w in words]
    _latin_names(text, words, kinds)
    # A name's neighbours that are capitalised or names in some reading are that name too:
    # «Вера Павловна», «Анна Ковалёва» (the first word alone a common noun).
    changed = True
    while changed:
        changed = False
        for i, word in enumerate(words):
            if kinds[i] is not None or not word.joins:
                continue
            for j in (i - 1, i + 1):
                near = 0 <= j < len(words) and _adjacent(text, words, i, j)
                if near and (kinds[j] == "name" or (kinds[j] == "place" and word.capital)):
                    kinds[i] = kinds[j]  # «Вера Павловна»; «Набережные Челны»
                    changed = True
                    break
    return [Span(k, w.start, w.end) for w, k in zip(words, kinds, strict=True) if k is not None]


def _latin_names(text: str, words: list[_Word], kinds: list[str | None]) -> None:
    """Names in Latin letters that no capital shows: a first name next to a surname
    («felix sutcliffe», «lachance laura»), and two or more words in capitals that are not
    abbreviations («LACHANCE LAURA»)."""
    firsts, surnames = _english_names()
    for i in range(len(words) - 1):
        first, second = words[i], words[i + 1]
        if not (first.latin and second.latin and _adjacent(text, words, i, i + 1)):
            continue
        a, b = (text[w.start : w.end].lower() for w in (first, second))
        paired = (a in firsts and b in surnames) or (a in surnames and b in firsts)
        capitals = all(
            text[w.start : w.end].isupper() and len(x) >= 2 and x not in _ACRONYMS
            for w, x in ((first, a), (second, b))
        )
        if (paired and a not in _OPENERS and b not in _OPENERS) or capitals:
            kinds[i] = kinds[i + 1] = "name"


@functools.cache
def _english_names() -> tuple[frozenset[str], frozenset[str]]:
    """The US census's first names and 30 000 commonest surnames (``data/README.md``)."""
    folder = resources.files("bot.gateway") / "data"
    return tuple(  # type: ignore[return-value]
        frozenset((folder / name).read_text(encoding="utf-8").split())
        for name in ("first_names.txt", "surnames.txt")
    )


def _near(word: _Word, spans: list[Span], reach: int = 80) -> bool:
    return any(s.start - reach <= word.end and word.start <= s.end + reach for s in spans)


def _adjacent(text: str, words: list[_Word], i: int, j: int) -> bool:
    first, second = (words[i], words[j]) if i < j else (words[j], words[i])
    gap = text[first.end : second.start]
    return len(gap) <= 3 and all(c in " \t,." for c in gap)


def _opens_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 4) : at].rstrip(" \t«\"'(")
    return not before or before[-1] in ".!?:\n;—-"


def _word(word: str, start: int, opening: bool) -> _Word:
    lower = word.lower()
    end = start + len(word)
    capital = word[0].isupper() and not word.isupper()
    if lower in _TRADE_WORDS or len(word) < 2:
        return _Word(start, end, None, False, capital, False)
    if "a" <= lower[0] <= "z":
        # Latin: a capitalised word inside a sentence; an opening one joins a name after it.
        common = lower in _OPENERS
        kind = "name" if capital and not opening and not common else None
        return _Word(start, end, kind, capital and not common, capital, True)
    tags = _tags(lower)
    kind = None
    if tags.likeliest_name or (capital and not opening and tags.any_name):
        kind = "name"
    elif tags.likeliest_place or (capital and tags.any_place):
        kind = "place"
    return _Word(start, end, kind, capital or (tags.any_name and len(word) >= 3), capital, False)


@dataclass(frozen=True, slots=True)
class _Tags:
    known: bool
    likeliest_name: bool
    likeliest_place: bool
    any_name: bool
    any_place: bool


@functools.lru_cache(maxsize=131_072)
def _tags(word: str) -> _Tags:
    parses = morph_analyzer().parse(word)
    if not parses:
        return _Tags(False, False, False, False, False)
    top = parses[0].tag
    return _Tags(
        known=any(p.is_known for p in parses),
        likeliest_name=bool(_NAME_TAGS & top.grammemes),
        likeliest_place="Geox" in top.grammemes,
        any_name=any(_NAME_TAGS & p.tag.grammemes for p in parses),
        any_place=any("Geox" in p.tag.grammemes for p in parses),
    )


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping spans as one (the first's kind, the detector's when it found it)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.kind, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged
