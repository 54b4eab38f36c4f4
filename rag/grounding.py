"""Keeping generated answers honest: the abstention marker, word support, citations (the
figures are checked by ``rag.reading``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.reading import figures, script
from rag.store import ScoredChunk

ABSTAIN_MARKER = "NO_ANSWER"
# The small model sometimes garbles the marker («НЕ_ANSWER», "NO ANSWER"): still an abstention.
_MARKER_LIKE = re.compile(r"(?:\b(?:NO|No|НЕ|Не|НЕТ|Нет)[_\s-]?|_)ANSWER\b")
_WORD = re.compile(r"[a-zа-яё]{4,}", re.IGNORECASE)
_ANSWER_LABEL = re.compile(r"^(?:Ответ|Answer)\s*:\s*", re.IGNORECASE)


class MarkerFilter:
    """Streams text through, holding back anything that may still become the marker.

    The model is told to answer only ``NO_ANSWER`` when the passages lack the answer; the
    customer must never see that word, even half of it.
    """

    def __init__(self, marker: str = ABSTAIN_MARKER) -> None:
        self._marker = marker.lower()
        self._held = ""
        self._passing = False
        self.text = ""

    def feed(self, piece: str) -> str:
        self.text += piece
        if self._passing:
            return piece
        self._held += piece
        probe = self._held.lstrip().lower()
        if self._marker.startswith(probe) or probe.startswith(self._marker):
            return ""
        self._passing = True
        released, self._held = self._held, ""
        return released

    @property
    def abstained(self) -> bool:
        return self._marker in self.text.lower() or bool(_MARKER_LIKE.search(self.text))

    @property
    def answer(self) -> str:
        """The final text with any marker (or a garbled one) removed, and the «Ответ:» label
        an FAQ passage taught the model."""
        text = re.sub(re.escape(ABSTAIN_MARKER), "", self.text, flags=re.IGNORECASE)
        return _ANSWER_LABEL.sub("", _MARKER_LIKE.sub("", text).strip())


def _stems(text: str) -> set[str]:
    return {w.lower()[:5] for w in _WORD.findall(text)}


def lexical_support(
    answer: str, passages: Sequence[ScoredChunk], question: str, *, min_words: int = 5
) -> float | None:
    """Share of the answer's content words found in the passages or the question.

    An answer assembled from the model's own knowledge shares few words with the passages.
    ``None`` when the check does not apply: a short answer, or an answer written in another
    script than the passages (an English answer from a Russian passage).
    """
    words = _stems(answer)
    source = " ".join(p.text for p in passages)
    if len(words) < min_words or not source or script(answer) != script(source):
        return None
    known = _stems(question) | _stems(source) | _stems(" ".join(p.title for p in passages))
    return len(words & known) / len(words)


def cite(answer: str, passages: Sequence[ScoredChunk], limit: int = 2) -> list[ScoredChunk]:
    """The passages the answer draws on: most shared words and figures, best first."""
    if not passages:
        return []
    answer_terms = _stems(answer) | figures(answer)
    scored = []
    for rank, passage in enumerate(passages):
        terms = _stems(passage.text) | figures(passage.text)
        scored.append((len(answer_terms & terms), -rank, passage))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    best = scored[0][0]
    chosen: list[ScoredChunk] = []
    seen: set[str] = set()
    for overlap, _, passage in scored:
        if passage.doc_id in seen or (best and overlap < best / 2):
            continue
        seen.add(passage.doc_id)
        chosen.append(passage)
        if len(chosen) == limit:
            break
    return chosen
