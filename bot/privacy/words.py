"""Personal data written in words: e-mail addresses, street addresses and people's names.

Names come from natasha's news NER (slovnet over navec embeddings, both packaged in the
``natasha`` wheel: nothing is downloaded) plus the phrases customers introduce themselves
with («меня зовут …», «my name is …»), which the NER misses in lowercase chat. Addresses are
a street word («ул.», «проспект», «пер.», «street») followed by a name and a house number,
with the city, index and flat around it. Every pattern is linear in the text's length.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

from bot.privacy.kinds import Finding, PiiKind

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")

_WORD = r"[А-ЯЁа-яёA-Za-z][А-ЯЁа-яёA-Za-z\-]{0,30}"
_STREET = (
    r"(?:ул\.?|улиц[аеыу]|пр-?к?т\.?|просп\.?|проспект[аеу]?|пер\.?|переул[оа]к[аеу]?|"
    r"б-р|бульвар[аеу]?|ш\.|шоссе|наб\.?|набережн(?:ая|ой|ую)|пл\.?|площад[ьи]|"
    r"пр-д|проезд[аеу]?|мкр\.?|микрорайон[аеу]?|тупик[аеу]?|аллея|аллеи|тракт[аеу]?)"
    r"(?![а-яёa-z])"
)
_EN_STREET = r"(?:street|st\.|avenue|ave\.|road|rd\.|lane|boulevard|blvd\.|drive|dr\.)(?![a-z])"
_HOUSE = r"(?:,?\s{0,2}(?:д\.?|дом|№)?\s{0,2}\d{1,4}[а-яa-z]?(?:[/\-]\d{1,4})?(?![\d]))"
_PARTS = (
    r"(?:,?\s{0,2}(?:корп\.?|корпус|к\.|стр\.?|строение|кв\.?|квартира|оф\.?|apt\.?|flat)"
    r"\s{0,2}\d{1,4}[а-яa-z]?)"
)
_CITY = r"(?:(?:\d{6},?\s{0,2})?(?:г\.\s{0,2}|город\s{1,2})" + _WORD + r",?\s{0,2})"
_ADDRESS = re.compile(
    r"(?<![\w-])(?:"
    # «г. Казань, ул. Баумана, д. 12, кв. 4», «Тверская ул., 3»
    + _CITY
    + r"?(?:"
    + _STREET
    + r"\s{0,2}"
    + _WORD
    + r"(?:\s{1,2}"
    + _WORD
    + r"){0,2}|(?:\d{1,3}-?[а-я]{0,2}\s{1,2})?"
    + _WORD
    + r"\s{1,2}"
    + _STREET
    + r")"
    + _HOUSE
    + _PARTS
    + r"{0,3}"
    # «221B Baker Street», «15 Main St., apt 4»
    + r"|\d{1,5}[A-Za-z]?\s{1,2}[A-Za-z]{2,30}(?:\s{1,2}[A-Za-z]{2,30}){0,2}\s{1,2}"
    + _EN_STREET
    + _PARTS
    + r"{0,2})",
    re.IGNORECASE,
)
_INTRODUCED = re.compile(
    r"(?i:меня\s{1,3}зовут|зовут\s{1,3}меня|мо[её]\s{1,3}имя|my\s{1,3}name\s{1,3}is|"
    r"i\s{1,3}am|i'm|(?<!\w)я)"
    r"[\s,:—-]{1,4}"
    r"([А-ЯЁA-Z][а-яёa-z]{1,20}(?:\s{1,2}[А-ЯЁA-Z][а-яёa-z]{1,20}\.?){0,2})"
)
# Customers type their name in lowercase too, but only after an unmistakable phrase.
_INTRODUCED_LOWER = re.compile(
    r"(?i:меня\s{1,3}зовут|зовут\s{1,3}меня|my\s{1,3}name\s{1,3}is)[\s,:—-]{1,4}"
    r"([а-яёa-z]{2,20}(?:\s{1,2}[а-яёa-z]{2,20}){0,2})"
)
_NOT_A_NAME = frozenset(
    {
        "клиент",
        "клиентка",
        "банк",
        "здесь",
        "тут",
        "не",
        "уже",
        "вам",
        "вас",
        "по",
        "из",
        "с",
        "в",
        "на",
        "хочу",
        "хотел",
        "хотела",
        "пишу",
        "звоню",
        "сейчас",
        "ваш",
        "ваша",
        "a",
        "an",
        "the",
        "not",
        "here",
        "calling",
        "writing",
        "trying",
        "sure",
        "sorry",
        "бы",
        "и",
        "а",
        "но",
        "можно",
        "пожалуйста",
        "and",
        "i",
        "want",
        "would",
        "like",
        "please",
        "мне",
        "у",
        "меня",
        "как",
        "так",
    }
)


def find_emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        yield Finding(PiiKind.EMAIL, match.start(), match.end())


def find_addresses(text: str) -> Iterator[Finding]:
    for match in _ADDRESS.finditer(text):
        yield Finding(PiiKind.ADDRESS, match.start(), match.end())


def find_introduced_names(text: str) -> Iterator[Finding]:
    """«меня зовут Ольга», «я Пётр Иванов», «my name is Anna»: the words after the phrase,
    up to the first word that is not a name («меня зовут ольга и я хочу…»)."""
    matches = [*_INTRODUCED.finditer(text), *_INTRODUCED_LOWER.finditer(text)]
    for match in matches:
        words = match.group(1).split()
        kept = []
        for word in words:
            if word.lower() in _NOT_A_NAME:
                break
            kept.append(word)
        if not kept:
            continue
        start = match.start(1)
        yield Finding(PiiKind.NAME, start, start + len(" ".join(kept)))


class NameTagger:
    """natasha's NER, loaded once on first use (about 0.5 s and 30 MB) and thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: tuple[Any, Any] | None = None

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._parts is None:
                from natasha import NewsEmbedding, NewsNERTagger, Segmenter

                self._parts = (Segmenter(), NewsNERTagger(NewsEmbedding()))
            return self._parts

    def names(self, text: str) -> Iterator[Finding]:
        """Every person's name (NER ``PER``) in ``text``."""
        from natasha import Doc

        segmenter, tagger = self._load()
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        for span in doc.spans:
            if span.type == "PER":
                yield Finding(PiiKind.NAME, span.start, span.stop)
