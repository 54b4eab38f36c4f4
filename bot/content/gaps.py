"""Knowledge gaps for the content team: what customers asked that the bot could not answer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from langchain_core.embeddings import Embeddings

from bot.content.ports import UnansweredQuestions
from bot.dialogue.masking import mask_personal
from bot.dialogue.models import HandoffReason
from rag.gaps import Gap, group_questions

# A handoff for want of an answer; a customer asking for a person is not a knowledge gap.
GAP_REASONS = (
    HandoffReason.LOW_CONFIDENCE,
    HandoffReason.MODEL_ABSTAINED,
    HandoffReason.UNGROUNDED_ANSWER,
    HandoffReason.REPEATED_FAILURE,
)


class GapFinder:
    def __init__(
        self, store: UnansweredQuestions, embeddings: Embeddings, *, min_similarity: float = 0.5
    ) -> None:
        self._store = store
        self._embeddings = embeddings
        self._min_similarity = min_similarity

    async def count_and_find(
        self, days: float, min_similarity: float | None = None
    ) -> tuple[int, list[Gap]]:
        since = datetime.now(UTC) - timedelta(days=days)
        found = await self._store.unanswered(since, [r.value for r in GAP_REASONS])
        texts = [mask_personal(text) for text, _ in found]
        threshold = self._min_similarity if min_similarity is None else min_similarity
        gaps = await asyncio.to_thread(
            group_questions, texts, self._embeddings, min_similarity=threshold
        )
        return len(found), gaps

    async def find(self, days: float) -> list[Gap]:
        return (await self.count_and_find(days))[1]

    async def top(self, days: float, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` largest groups of the last ``days``: an example and its size (the
        supervisors' dashboard, ``bot.operators.ports.UnansweredTopics``)."""
        gaps = sorted(await self.find(days), key=lambda gap: -gap.size)
        return [(gap.example, gap.size) for gap in gaps[:limit]]
