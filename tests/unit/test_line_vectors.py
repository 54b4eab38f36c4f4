"""The reader's line vectors (``KnowledgeStore.similarities``): computed once per line, kept up
to ``LINE_CACHE``, and computed ahead for the whole index after a start
(``RagKnowledgeBase.warm``), so that the first questions cost what later ones do."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import RagKnowledgeBase
from integrations.llm import ScriptedChatModel
from rag import store as store_module
from rag.answering import GroundedAnswerer
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.ingest import Ingestor
from rag.reading import read
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client
from rag.vectors import cosine
from tests.conftest import KB_DIR


class Counting:
    """Real embeddings that count the texts they were asked to embed as documents."""

    name = "use"

    def __init__(self, inner: UniversalSentenceEncoderEmbeddings) -> None:
        self.inner = inner
        self.documents = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture
def counting(use_embeddings: UniversalSentenceEncoderEmbeddings) -> Counting:
    return Counting(use_embeddings)


@pytest.fixture
def indexed(tmp_path: Path, counting: Counting) -> Iterator[KnowledgeStore]:
    store = KnowledgeStore(
        open_client(url=None, path=tmp_path / "qdrant"),
        "kb",
        counting,  # type: ignore[arg-type]
        LexicalSparseEmbeddings(),
    )
    Ingestor(store).ingest_dir(KB_DIR)
    yield store
    store.close()


def test_similarities_are_the_cosines_and_each_line_is_embedded_once(
    indexed: KnowledgeStore, counting: Counting, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> None:
    lines = ["Обслуживание карты стоит 99 ₽ в месяц.", "Перевод по СБП бесплатный.", "Hello"]
    question = "сколько стоит обслуживание карты"
    before = counting.documents
    found = indexed.similarities(question, lines)
    expected = [
        cosine(use_embeddings.embed_query(question), use_embeddings.embed_documents([line])[0])
        for line in lines
    ]
    assert [round(x, 5) for x in found] == [round(x, 5) for x in expected]
    assert found[0] > found[1]  # the line about the question ranks first
    assert counting.documents - before == len(lines)
    again = indexed.similarities("а перевод по сбп?", [*lines, lines[0]])
    assert counting.documents - before == len(lines)  # nothing embedded a second time
    assert len(again) == len(lines) + 1 and all(math.isfinite(x) for x in again)
    assert indexed.similarities(question, []) == []


async def test_the_whole_index_is_computed_ahead_and_questions_then_embed_no_line(
    indexed: KnowledgeStore, counting: Counting
) -> None:
    answerer = GroundedAnswerer(indexed, ScriptedChatModel(reply="-"))
    knowledge = RagKnowledgeBase(answerer, indexed)
    lines = answerer.reading_lines()
    assert len(lines) > 100  # every chunk of the sample KB, as sentences and rows
    added = await knowledge.warm(batch=50)
    assert added == len(set(lines))
    assert await knowledge.warm() == 0  # all kept already
    before = counting.documents
    for question in ("сколько стоит обслуживание дебетовой карты", "лимит переводов по сбп"):
        read(question, indexed.search(question, 8), indexed.similarities)
    assert counting.documents == before


def test_the_kept_lines_are_bounded(
    indexed: KnowledgeStore, counting: Counting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "LINE_CACHE", 5)
    assert indexed.keep_lines([f"строка {i}" for i in range(8)], batch=3) == 5
    assert indexed.keep_lines(["ещё одна"]) == 0  # full: computed ahead no more
    found = indexed.similarities("вопрос", [f"новая {i}" for i in range(4)])
    assert len(found) == 4  # a question's own lines still count, pushing out the oldest
    kept: Any = indexed._line_vectors
    assert len(kept) == 5
    assert "новая 3" in kept and "строка 0" not in kept
