"""«Ask as a customer» against a draft: what the bot would answer if the draft were published.

The question is put to a small index built for it in memory: the draft's chunks, and the
passages the live index finds for the question (the document's published version left out).
Passages the live index does not find for the question would not have ranked anyway. The
same answerer as the bot's runs over it (the FAQ rule, the reader, the model, the verifier),
without the answer cache. One trial at a time: each embeds the draft.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings
from qdrant_client import QdrantClient

from rag.answering import AnswerRequest, Done, GroundedAnswerer, Retrieved
from rag.chunking import Chunk
from rag.errors import GenerationError, ModelBusy, RagError
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, ScoredChunk

_TRIAL = "draft-trial"


@dataclass(frozen=True, slots=True)
class TrialPassage:
    doc_id: str
    title: str
    section: str | None
    text: str
    score: float
    from_draft: bool


@dataclass(frozen=True, slots=True)
class TrialAnswer:
    text: str  # "" when the bot would not answer
    outcome: str  # faq, quoted, written, abstained, ungrounded, not_found, model_unavailable
    passages: list[TrialPassage]
    cited: list[str]  # doc ids


class DraftTrial:
    def __init__(
        self,
        live: KnowledgeStore,
        embeddings: Embeddings,
        answerer_over: Callable[[KnowledgeStore], GroundedAnswerer],
        *,
        top_k: int,
    ) -> None:
        self._live = live
        self._embeddings = embeddings
        self._answerer_over = answerer_over
        self._top_k = top_k
        self._one_at_a_time = asyncio.Lock()

    async def ask(
        self, question: str, doc_id: str, draft: Sequence[Chunk], lang: str
    ) -> TrialAnswer:
        async with self._one_at_a_time:
            store = await asyncio.to_thread(self._build, question, doc_id, draft)
            try:
                return await self._answer(store, question, doc_id, lang)
            finally:
                store.close()

    def _build(self, question: str, doc_id: str, draft: Sequence[Chunk]) -> KnowledgeStore:
        found = [c for c in self._live.search(question, self._top_k * 3) if c.doc_id != doc_id]
        store = KnowledgeStore(
            QdrantClient(location=":memory:"), _TRIAL, self._embeddings, LexicalSparseEmbeddings()
        )
        store.ensure_collection()
        if draft:
            store.replace_document(doc_id, draft, content_hash="draft", source="draft", is_new=True)
        by_doc = itertools.groupby(sorted(found, key=lambda c: c.doc_id), key=lambda c: c.doc_id)
        for other, chunks in by_doc:
            kept = [_chunk(c) for c in chunks]
            store.replace_document(other, kept, content_hash="live", source="live", is_new=True)
        return store

    async def _answer(
        self, store: KnowledgeStore, question: str, doc_id: str, lang: str
    ) -> TrialAnswer:
        answerer = self._answerer_over(store)
        passages: list[TrialPassage] = []
        request = AnswerRequest(question=question, search_query=question, lang=lang)
        try:
            async for event in answerer.astream(request):
                if isinstance(event, Retrieved):
                    passages = [_passage(c, doc_id) for c in event.passages]
                    if not event.confident:
                        return TrialAnswer("", "not_found", passages, [])
                elif isinstance(event, Done):
                    return TrialAnswer(
                        "" if event.abstained else event.text,
                        _outcome(event),
                        passages,
                        [c.doc_id for c in event.cited],
                    )
        except (ModelBusy, GenerationError):
            return TrialAnswer("", "model_unavailable", passages, [])
        except RagError:
            return TrialAnswer("", "not_found", passages, [])
        return TrialAnswer("", "not_found", passages, [])


def _outcome(done: Done) -> str:
    if done.abstained:
        return "abstained"
    if done.ungrounded or not done.supported:
        return "ungrounded"
    if done.faq_id is not None:
        return "faq"
    return "quoted" if done.quoted else "written"


def _passage(chunk: ScoredChunk, doc_id: str) -> TrialPassage:
    return TrialPassage(
        chunk.doc_id,
        chunk.title,
        chunk.section,
        chunk.text,
        round(chunk.score, 3),
        chunk.doc_id == doc_id,
    )


def _chunk(found: ScoredChunk) -> Chunk:
    """A live passage as a chunk again, its FAQ entry included."""
    meta = found.metadata or {}
    questions = meta.get("questions") or []
    return Chunk(
        found.doc_id,
        int(meta.get("chunk_index") or 0),
        found.title,
        found.section,
        found.text,
        found.lang or "ru",
        faq_id=meta.get("faq_id"),
        answer=meta.get("answer"),
        questions=tuple(str(q) for q in questions),
        url=meta.get("url"),
    )
