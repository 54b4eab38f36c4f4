"""Sparse lexical vectors for hybrid retrieval: Russian lemmas + English stems, hashed.

Every text becomes a bag of normalised terms:

- text: NFC, stress marks and soft hyphens removed, lower-cased, ``ё`` → ``е``; digit groups
  written with spaces («30 000», «30 000», «1 200 000») are joined («30000») first;
- tokens: runs of Unicode letters or of digits, so «5000р» → «5000», «р»; a decimal written
  with one comma or dot («7,5%») stays one term «7.5», dates and versions split into parts;
  a word mixing Cyrillic and Latin look-alike letters («cбп» typed with a Latin «c») is read in
  the script that makes it whole, otherwise split by script;
- Cyrillic words: the normal form of pymorphy3's most probable parse (typos get pymorphy3's
  guess, which is fine: the same typo maps to the same term on both sides);
- Latin words: the snowball "english" stem (English contractions expanded first);
- stop words (:data:`RUSSIAN_STOP_WORDS`, :data:`ENGLISH_STOP_WORDS`, checked against the
  word and its lemma) are dropped;
- negation («не», «ни», «нет», «без», "not", "no", "never", "without") is never a bare term:
  it is common everywhere and would match every document with any negation. Instead it is
  fused with the next content term as an extra term, and that term is kept too:
  «карта не работает» → «карта», «не_работать», «работать»; «без комиссии» →
  «без_комиссия», «комиссия». A document that says the same negated thing gets the rarer,
  more specific fused term in common with the question; one that only mentions the word
  still matches on the word.

Terms are hashed to stable unsigned 32-bit ids (BLAKE2b; identical across processes, unlike
``hash()``). Document values are BM25 term-frequency weights; query values are 1.0 per distinct
term. IDF is Qdrant's job: the collection's sparse vector must be configured with
``modifier=models.Modifier.IDF``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata
from collections import Counter
from typing import Any

import pymorphy3
import snowballstemmer
from langchain_qdrant.sparse_embeddings import SparseEmbeddings, SparseVector

__all__ = [
    "ENGLISH_STOP_WORDS",
    "NEGATIONS",
    "RUSSIAN_STOP_WORDS",
    "LexicalSparseEmbeddings",
    "term_id",
]


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# Function words only. Banking words, numbers and modal verbs («можно», «нельзя») stay.
# Question words are dropped: the answer in a knowledge-base chunk rarely repeats them, and
# where a chunk is an FAQ heading («Сколько стоит…?») they match every heading alike.
RUSSIAN_STOP_WORDS: frozenset[str] = _words(
    # prepositions («без» is a negation, see NEGATIONS)
    "в во на с со к ко по о об обо от ото до из изо у за над под при про для через между "
    "перед около ради",
    # conjunctions
    "и а но или либо да что чтобы если то как так также тоже зато однако хотя ведь "
    "потому поэтому чем тем",
    # particles and fillers
    "ли же ж бы б вот ну уж уже еще даже лишь только вообще просто именно разве неужели "
    "нибудь таки кое ка очень там тут здесь ладно типа короче вроде",
    # pronouns (lemmas cover their cases: мне/меня → я, моего → мой, ее → она)
    "я мы ты вы он она оно они себя мой твой свой наш ваш его ее их этот это тот такой "
    "сам весь все кто чей какой который",
    # question words, with colloquial spellings («скока» → lemma «скок»)
    "где когда куда откуда почему зачем сколько скока скоко скок чо че шо",
    # auxiliaries
    "быть есть",
    # greetings and politeness that open most chat messages
    "здравствуйте здравствовать привет добрый пожалуйста пжлст пж плиз спасибо подсказать",
)

ENGLISH_STOP_WORDS: frozenset[str] = _words(
    "a an the and or but if then than so as of to in on at by for with from into about "
    "over under via per",
    "i me my mine we us our you your he him his she her it its they them their this that "
    "these those",
    "what which who whom whose how where when why",
    "is are was were be been being am do does did done have has had can could would "
    "should will shall may might must",
    "there here just also too very please hi hello thanks thank",
    # what is left of contractions once "n't" became "not": it's, we're, I'll, I've, I'd, I'm
    "s t d ll re ve m",
)

NEGATIONS: frozenset[str] = frozenset({"не", "ни", "нет", "без", "not", "no", "never", "without"})

_GROUP_SPACES = " \u00a0\u2007\u2009\u202f"
_GROUPED_NUMBER = re.compile(rf"(?<!\d)(?<!\d[.,])\d{{1,3}}(?:[{_GROUP_SPACES}]\d{{3}})+(?!\d)")
_GROUP_SPACE = re.compile(f"[{_GROUP_SPACES}]")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_CANT = re.compile(r"\b(can|won|shan)['’]t\b")
_NT = re.compile(r"(?<=[a-z])n['’]t\b")
_CLITIC = re.compile(r"(?<=[a-z])['’](?:s|re|ll|ve|d|m)\b")
_INVISIBLE = dict.fromkeys(map(ord, "\u0301\u0300\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_CANT_FULL = {"can": "can not", "won": "will not", "shan": "shall not"}

_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYRILLIC_TO_LATIN = str.maketrans("асеорхукмтнв", "aceopxykmthb")


def term_id(term: str) -> int:
    """A term's sparse index: unsigned 32-bit, stable across processes and Python runs."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "big")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "\u00c0" <= ch <= "\u024f"


# pymorphy3 takes a moment and some memory to build: once per process, on first use.
_morph_lock = threading.Lock()
_morph: Any = None


def morph_analyzer() -> Any:
    """pymorphy3's Russian analyzer, built once per process (the gateway's screen shares it)."""
    global _morph
    if _morph is None:
        with _morph_lock:
            if _morph is None:
                _morph = pymorphy3.MorphAnalyzer()
    return _morph


@functools.lru_cache(maxsize=262_144)
def _lemma(word: str) -> str:
    """Normal form of the most probable parse, with ``ё`` → ``е``."""
    parses = morph_analyzer().parse(word)
    if not parses:
        return word
    return str(parses[0].normal_form).replace("ё", "е")


# A snowball stemmer keeps per-call state in the object: one per process, used under a lock.
_stem_lock = threading.Lock()
_stemmer: Any = None


@functools.lru_cache(maxsize=262_144)
def _stem(word: str) -> str:
    global _stemmer
    with _stem_lock:
        if _stemmer is None:
            _stemmer = snowballstemmer.stemmer("english")
        return str(_stemmer.stemWord(word))


def _normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).lower().replace("ё", "е")
    text = _GROUPED_NUMBER.sub(lambda m: _GROUP_SPACE.sub("", m.group()), text)
    text = _CANT.sub(lambda m: _CANT_FULL[m.group(1)], text)
    text = _NT.sub(" not", text)
    return _CLITIC.sub("", text)


def _script_words(token: str) -> list[str]:
    """A letter run in one script; mixed Cyrillic/Latin fixed by look-alikes or split."""
    has_cyrillic = any(_is_cyrillic(ch) for ch in token)
    has_latin = any(_is_latin(ch) for ch in token)
    if not (has_cyrillic and has_latin):
        return [token]
    as_cyrillic = token.translate(_LATIN_TO_CYRILLIC)
    if not any(_is_latin(ch) for ch in as_cyrillic):
        return [as_cyrillic]
    as_latin = token.translate(_CYRILLIC_TO_LATIN)
    if not any(_is_cyrillic(ch) for ch in as_latin):
        return [as_latin]
    return [m.group() for m in re.finditer(r"[\u0400-\u04ff]+|[^\u0400-\u04ff]+", token)]


def _word_term(word: str) -> str | None:
    """The term for one lower-case word, or None for a stop word."""
    if _is_cyrillic(word[0]):
        if word in RUSSIAN_STOP_WORDS:
            return None
        lemma = _lemma(word)
        return None if lemma in RUSSIAN_STOP_WORDS else lemma
    if _is_latin(word[0]):
        return None if word in ENGLISH_STOP_WORDS else _stem(word)
    return word


def _number_term(token: str) -> list[str]:
    parts = re.split(r"[.,]", token)
    if len(parts) == 2:
        return [f"{parts[0]}.{parts[1]}"]
    return parts


class LexicalSparseEmbeddings(SparseEmbeddings):
    """Russian lemmas + English stems → hashed term ids with BM25-style term-frequency weights."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75, avg_doc_terms: float = 60.0) -> None:
        if k1 < 0:
            raise ValueError(f"k1 must be >= 0, got {k1}")
        if not 0 <= b <= 1:
            raise ValueError(f"b must be within [0, 1], got {b}")
        if avg_doc_terms <= 0:
            raise ValueError(f"avg_doc_terms must be > 0, got {avg_doc_terms}")
        self.k1 = k1
        self.b = b
        self.avg_doc_terms = avg_doc_terms

    def terms(self, text: str) -> list[str]:
        """The normalised terms of a text, in order (for tests, debugging and `kb why`)."""
        out: list[str] = []
        negation: str | None = None
        for match in _TOKEN.finditer(_normalise_text(text)):
            token = match.group()
            if token[0].isdigit():
                words = _number_term(token)
                negation = None
                out.extend(words)
                continue
            for word in _script_words(token):
                if word in NEGATIONS:
                    negation = word
                    continue
                term = _word_term(word)
                if term is not None:
                    if negation is not None:
                        out.append(f"{negation}_{term}")
                    out.append(term)
                negation = None
        return out

    def embed_documents(self, texts: list[str]) -> list[SparseVector]:
        return [self._document_vector(text) for text in texts]

    def embed_query(self, text: str) -> SparseVector:
        weights: dict[int, float] = {}
        for term in set(self.terms(text)):
            index = term_id(term)
            weights[index] = weights.get(index, 0.0) + 1.0
        return _vector(weights)

    def _document_vector(self, text: str) -> SparseVector:
        terms = self.terms(text)
        norm = self.k1 * (1 - self.b + self.b * len(terms) / self.avg_doc_terms)
        weights: dict[int, float] = {}
        for term, tf in Counter(terms).items():
            index = term_id(term)
            weights[index] = weights.get(index, 0.0) + tf * (self.k1 + 1) / (tf + norm)
        return _vector(weights)


def _vector(weights: dict[int, float]) -> SparseVector:
    indices = sorted(weights)
    return SparseVector(indices=indices, values=[weights[i] for i in indices])
