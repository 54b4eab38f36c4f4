"""The knowledge base's vocabulary: the terms any of its lines holds.

A question names things the knowledge base has words for (a product, an operation, a group of
customers: «выпуск», «Премиум», «пенсионер») and words it does not use (politeness, slang,
typos). Deciding that two questions are the same question, or that an FAQ entry's phrasings
ask what a question asks, compares only the first kind: :meth:`Vocabulary.terms`.

The vocabulary is read from every chunk's text when first needed and at once after
:meth:`invalidate` (the store calls it on every change it makes). Older than ``max_age_s``
(another replica may have published into a shared index), it is read again in a background
thread while the questions go on with the one they have: reading a large index's every line
takes seconds, which no question should wait for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from rag.reading import key_terms, line_terms

MAX_AGE_S = 60.0

log = logging.getLogger(__name__)


class Vocabulary:
    def __init__(
        self,
        texts: Callable[[], Sequence[str]],
        *,
        max_age_s: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._texts = texts  # every chunk's text
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()
        self._known: tuple[float, frozenset[str]] | None = None
        self._refreshing = False
        self._generation = 0  # invalidations so far: a read begun before one is not kept

    def terms(self, text: str) -> frozenset[str]:
        """What ``text`` names that some line of the knowledge base has a word for."""
        return key_terms(text) & self.words()

    def words(self) -> frozenset[str]:
        """Every term of every line of the knowledge base (blocking only the first time and
        after an invalidation)."""
        known = self._known
        if known is None:
            with self._lock:
                known = self._known
                if known is None:
                    known = self._read()
        elif self._clock() - known[0] > self._max_age_s and not self._refreshing:
            self._refreshing = True
            threading.Thread(target=self._refresh, name="vocabulary", daemon=True).start()
        return known[1]

    def _read(self) -> tuple[float, frozenset[str]]:
        started, generation = self._clock(), self._generation
        words = frozenset().union(*(line_terms(t) for t in self._texts()))
        known = (started, words)
        if generation == self._generation:
            self._known = known
        return known

    def _refresh(self) -> None:
        try:
            with self._lock:
                self._read()
        except Exception:
            log.exception("could not read the knowledge base's vocabulary again")
        finally:
            self._refreshing = False

    def invalidate(self, _doc_id: str | None = None) -> None:
        """Read the vocabulary anew when next needed (a ``KnowledgeStore.on_change`` listener)."""
        self._generation += 1
        self._known = None
