"""The real knowledge base: the ``rag`` package's grounded answerer and Qdrant store behind the
dialogue core's ``KnowledgeBase`` and the operators' ``KnowledgeSearch``.

``rag``'s chunks become the core's :class:`Passage` and :class:`SourceRef`; its errors become
the core's: a failed model is :class:`ModelUnavailable`, anything else the knowledge base
could not do is :class:`KnowledgeUnavailable`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from bot.dialogue.errors import KnowledgeUnavailable, ModelBusy, ModelUnavailable
from bot.dialogue.models import (
    AnswerDelta,
    AnswerEvent,
    AnswerFinished,
    KnowledgeQuestion,
    ModelQueued,
    Passage,
    PassagesFound,
    SourceRef,
)
from rag.answering import AnswerRequest, Done, GroundedAnswerer, Queued, Retrieved, Token
from rag.errors import GenerationError, RagError
from rag.errors import ModelBusy as RagModelBusy
from rag.store import KnowledgeStore, ScoredChunk


def _passages(chunks: Sequence[ScoredChunk]) -> tuple[Passage, ...]:
    return tuple(Passage(c.doc_id, c.title, c.text, c.score, c.section, c.lang) for c in chunks)


def _source(chunk: ScoredChunk) -> SourceRef:
    """The cited chunk with the version of its document that was indexed."""
    meta = chunk.metadata or {}
    version = meta.get("version") or str(meta.get("content_hash") or "")[:12] or None
    url = meta.get("url")
    return SourceRef(
        chunk.doc_id,
        chunk.title,
        chunk.section,
        str(version) if version else None,
        url if isinstance(url, str) else None,
    )


class RagKnowledgeBase:
    """Implements the dialogue's ``KnowledgeBase`` and the operators' ``KnowledgeSearch``:
    answers are generated from the store's passages, searches go to the store itself."""

    def __init__(self, answerer: GroundedAnswerer, store: KnowledgeStore) -> None:
        self._answerer = answerer
        self._store = store

    async def warm(self, batch: int = 64) -> int:
        """The vectors of the index's lines computed ahead, ``batch`` at a time in a worker
        thread (cancelled between batches), up to what the store keeps: the first questions
        after a start cost what later ones do (a cold line cost 15 ms of a 30 ms turn).
        Returns how many were computed."""
        lines = await asyncio.to_thread(self._answerer.reading_lines)
        added = 0
        for start in range(0, len(lines), batch):
            added += await asyncio.to_thread(self._store.keep_lines, lines[start : start + batch])
        return added

    async def search(self, query: str, k: int) -> list[Passage]:
        """The passages best matching ``query`` (an operator looking something up)."""
        try:
            chunks = await asyncio.to_thread(self._store.search, query, k)
        except RagError as exc:
            raise KnowledgeUnavailable(str(exc)) from exc
        return list(_passages(chunks))

    async def answer(self, question: KnowledgeQuestion) -> AsyncIterator[AnswerEvent]:
        request = AnswerRequest(
            question=question.text,
            search_query=question.search_query,
            lang=question.lang,
            history=[(turn.role.value, turn.text) for turn in question.history],
            cacheable=question.cacheable,
        )
        try:
            async for chunk in self._answerer.astream(request):
                if isinstance(chunk, Retrieved):
                    yield PassagesFound(_passages(chunk.passages), chunk.confident)
                elif isinstance(chunk, Queued):
                    yield ModelQueued(chunk.position, chunk.estimate_s)
                elif isinstance(chunk, Token):
                    yield AnswerDelta(chunk.text)
                elif isinstance(chunk, Done):
                    yield AnswerFinished(
                        text=chunk.text,
                        abstained=chunk.abstained,
                        grounded=not chunk.ungrounded and chunk.supported,
                        cited=tuple(_source(c) for c in chunk.cited),
                        curated=chunk.faq_id is not None,
                        quoted=chunk.quoted,
                        cached=chunk.cached,
                    )
        except RagModelBusy as exc:
            raise ModelBusy(str(exc)) from exc
        except GenerationError as exc:
            raise ModelUnavailable(str(exc)) from exc
        except RagError as exc:
            raise KnowledgeUnavailable(str(exc)) from exc
