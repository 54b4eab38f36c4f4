"""Knowledge gaps: questions the bot could not answer, grouped by meaning, biggest first, so
the content team sees what to write next."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from rag.vectors import dot


@dataclass(slots=True)
class Gap:
    """Questions that say the same thing; ``example`` is the one closest to the group's centre."""

    questions: list[str] = field(default_factory=list)
    centroid: list[float] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.questions)

    @property
    def example(self) -> str:
        return self.questions[0]


def _normalised(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def group_questions(
    questions: Sequence[str], embeddings: Embeddings, *, min_similarity: float = 0.5
) -> list[Gap]:
    """Greedy single pass: each question joins the most similar group whose centre is at least
    ``min_similarity`` away in cosine, or starts a new one. Biggest groups first."""
    texts = [q.strip() for q in questions if q.strip()]
    if not texts:
        return []
    vectors = [_normalised(v) for v in embeddings.embed_documents(texts)]
    gaps: list[Gap] = []
    members: list[list[list[float]]] = []
    for text, vector in zip(texts, vectors, strict=True):
        scored = [(dot(vector, gap.centroid), index) for index, gap in enumerate(gaps)]
        best = max(scored, default=(-1.0, -1))
        if best[0] >= min_similarity:
            gap, group = gaps[best[1]], members[best[1]]
            gap.questions.append(text)
            group.append(vector)
            gap.centroid = _normalised([sum(values) for values in zip(*group, strict=True)])
        else:
            gaps.append(Gap([text], vector))
            members.append([vector])
    for gap, group in zip(gaps, members, strict=True):  # the most central phrasing first
        order = sorted(range(len(group)), key=lambda i: -dot(group[i], gap.centroid))
        gap.questions = [gap.questions[i] for i in order]
    return sorted(gaps, key=lambda g: -g.size)
