"""The answer cache: a knowledge answer the model wrote, given again for the same question.

The best answer is one the model does not have to write. A question gets a cached question's
answer and its sources when it is the same question in other words:
- it names the same things the knowledge base has words for: the same key terms (lemmas,
  synonyms folded: ``rag.vocabulary.Vocabulary``) among those any line of the knowledge base
  holds. Words the knowledge base does not use (politeness, slang, typos) do not count; a
  product, an operation or a group of customers the knowledge base does name does: «выпуск»
  and «обслуживание» «Классики», «Классика» and «Премиум» are different questions;
- it asks about the same figures (the numbers in both are the same);
- it is in the same language, and its embedding is at least ``min_similarity`` to the cached
  question's (a floor against unrelated questions that happen to name the same terms).
Whole-question embeddings alone cannot tell a paraphrase from a near-miss: on the paraphrase
sets (``benchmarks/answer_cache.py``) near-misses are as close to the cached question as its
paraphrases, with both the `use` and the `e5` models.

The cached answer is given only if:
- the answer is younger than ``ttl_s``;
- every document it cites is still at the version it was written from: the store's content
  hash of each cited document is compared at every hit, so a document republished by another
  replica (one shared Qdrant) is noticed too;
- and nothing in this process dropped it: the store tells the cache about every document it
  replaces or deletes (:meth:`AnswerCache.invalidate`), and a rebuild empties it.

Only what the caller marks cacheable is ever stored or looked up (the dialogue decides: no
personal data in the question, not a follow-up that borrows an earlier turn's words, not an
account question's clarification); the cache holds the question as searched, the answer and
its sources, in this process's memory only, and never more than ``max_entries`` of them (the
least recently used go first).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.observer import AnswerObserver, NullAnswerObserver
from rag.store import ScoredChunk
from rag.vectors import unit
from rag.vocabulary import Vocabulary

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True, slots=True)
class CachePolicy:
    # Cosine similarity (the store's dense model) of a question to a cached one below which
    # the cached answer is never given, whatever the terms. From the tuning paraphrase set
    # (examples/cache/paraphrases.yaml, ``benchmarks/answer_cache.py``).
    min_similarity: float = 0.5
    ttl_s: float = 6 * 3600.0
    max_entries: int = 2000


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    query: str
    lang: str
    text: str
    cited: tuple[ScoredChunk, ...]
    versions: dict[str, str]  # doc_id -> content hash the answer was written from
    stored_at: float
    terms: frozenset[str] = frozenset()  # what the question names that the KB has words for
    similarity: float = 1.0  # of the question that found it


def figures(text: str) -> frozenset[str]:
    """The numbers a question names: «до 100 000» and «свыше 100 000» differ in answer."""
    return frozenset(n.replace(",", ".") for n in _NUMBER.findall(text.replace("\u00a0", "")))


class AnswerCache:
    def __init__(
        self,
        embed: Callable[[str], Sequence[float]],
        current_version: Callable[[str], str | None],
        vocabulary: Vocabulary,
        policy: CachePolicy | None = None,
        observer: AnswerObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._embed = embed
        self._current_version = current_version
        self._vocabulary = vocabulary
        self._policy = policy or CachePolicy()
        self._observer: AnswerObserver = observer or NullAnswerObserver()
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, CachedAnswer] = OrderedDict()
        self._vectors: dict[int, np.ndarray] = {}
        self._matrix: tuple[list[int], np.ndarray] | None = None
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def policy(self) -> CachePolicy:
        return self._policy

    def lookup(self, query: str, lang: str) -> CachedAnswer | None:
        """The cached answer to ``query``, still valid, or None (blocking: it embeds)."""
        terms = self.terms(query) if self._entries else frozenset()
        if not terms:
            self._observer.cache_lookup(False)
            return None
        vector = unit(self._embed(query))
        found = self._nearest(vector, lang, figures(query), terms)
        if found is not None:
            key, entry, similarity = found
            if self._current(entry):
                with self._lock:
                    if key in self._entries:
                        self._entries.move_to_end(key)
                self._observer.cache_lookup(True)
                return CachedAnswer(
                    entry.query,
                    entry.lang,
                    entry.text,
                    entry.cited,
                    entry.versions,
                    entry.stored_at,
                    entry.terms,
                    similarity,
                )
            self._drop(lambda k, _: k == key)
        self._observer.cache_lookup(False)
        return None

    def store(self, query: str, lang: str, text: str, cited: Sequence[ScoredChunk]) -> None:
        """Keep the answer the model wrote to ``query`` from the documents ``cited``."""
        if not text.strip() or not cited:
            return
        versions = {c.doc_id: _version(c) for c in cited}
        if any(not v for v in versions.values()):
            return  # a passage without a content hash cannot be checked later: not kept
        terms = self.terms(query)
        if not terms:
            return  # it names nothing the knowledge base knows: nothing to match it by
        vector = unit(self._embed(query))
        entry = CachedAnswer(query, lang, text, tuple(cited), versions, self._clock(), terms)
        with self._lock:
            key = self._next_id
            self._next_id += 1
            self._entries[key] = entry
            self._vectors[key] = vector
            while len(self._entries) > self._policy.max_entries:
                old, _ = self._entries.popitem(last=False)
                del self._vectors[old]
            self._matrix = None
            size = len(self._entries)
        self._observer.cache_size(size)

    def terms(self, query: str) -> frozenset[str]:
        """What ``query`` names that some line of the knowledge base has a word for."""
        return self._vocabulary.terms(query)

    def invalidate(self, doc_id: str | None = None) -> int:
        """Drop the answers citing ``doc_id`` (every answer when None); how many went. The
        knowledge base's vocabulary is read anew at the next question."""
        self._vocabulary.invalidate()
        if doc_id is None:
            return self._drop(lambda _k, _e: True)
        return self._drop(lambda _k, e: doc_id in e.versions)

    def _drop(self, which: Callable[[int, CachedAnswer], bool]) -> int:
        with self._lock:
            gone = [k for k, e in self._entries.items() if which(k, e)]
            for key in gone:
                del self._entries[key]
                del self._vectors[key]
            if gone:
                self._matrix = None
            size = len(self._entries)
        if gone:
            self._observer.cache_invalidated(len(gone))
        self._observer.cache_size(size)
        return len(gone)

    def _nearest(
        self, vector: np.ndarray, lang: str, asked: frozenset[str], terms: frozenset[str]
    ) -> tuple[int, CachedAnswer, float] | None:
        with self._lock:
            if self._matrix is None:
                keys = list(self._entries)
                self._matrix = (keys, np.stack([self._vectors[k] for k in keys]))
            keys, matrix = self._matrix
            similarities = matrix @ vector
            now = self._clock()
            for index in np.argsort(-similarities):
                similarity = float(similarities[index])
                if similarity < self._policy.min_similarity:
                    return None
                entry = self._entries[keys[index]]
                if now - entry.stored_at > self._policy.ttl_s:
                    continue
                if entry.lang == lang and entry.terms == terms and figures(entry.query) == asked:
                    return keys[index], entry, similarity
        return None

    def _current(self, entry: CachedAnswer) -> bool:
        return all(self._current_version(d) == v for d, v in entry.versions.items())


def _version(chunk: ScoredChunk) -> str:
    return str((chunk.metadata or {}).get("content_hash") or "")
