"""Which curated FAQ entry answers a question (``GroundedAnswerer.faq_hit``), over the sample
KB with its FAQ, real embeddings and Qdrant local mode: one of the entry's phrasings must be
close to the question, and the question must name nothing the knowledge base has words for
(a product, an operation, a group of customers) and no figure that the phrasings do not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.llm import ScriptedChatModel
from rag.answering import AnswerPolicy, AnswerRequest, Done, GroundedAnswerer
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.ingest import Ingestor
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client
from tests.conftest import KB_DIR


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> Iterator[KnowledgeStore]:
    path: Path = tmp_path_factory.mktemp("qdrant")
    knowledge = KnowledgeStore(
        open_client(url=None, path=path), "kb", use_embeddings, LexicalSparseEmbeddings()
    )
    Ingestor(knowledge).ingest_dir(KB_DIR)
    yield knowledge
    knowledge.close()


@pytest.fixture(scope="module")
def answerer(store: KnowledgeStore) -> GroundedAnswerer:
    return GroundedAnswerer(store, ScriptedChatModel(reply="—"))


def entry(answerer: GroundedAnswerer, store: KnowledgeStore, question: str) -> str | None:
    hit = answerer.faq_hit(question, store.search(question, 6))
    return str((hit.metadata or {})["faq_id"]) if hit else None


@pytest.mark.parametrize(
    ("question", "faq_id"),
    [
        ("Телефон поддержки банка", "hotline"),  # one of the entry's own phrasings
        ("Подскажите, телефон поддержки банка?", "hotline"),
        ("скока стоит обслуживане дебетовки в месяц", "debit-classic-fee"),
        ("потерял карту что делать", "lost-card"),
        ("Сколько длится грейс по кредитке?", "credit-grace-period"),
    ],
)
def test_a_question_in_other_words_gets_its_entry(
    answerer: GroundedAnswerer, store: KnowledgeStore, question: str, faq_id: str
) -> None:
    assert entry(answerer, store, question) == faq_id


@pytest.mark.parametrize(
    "question",
    [
        # Close in words to an entry, but about another product, operation or customer: the
        # entry's answer would be wrong, the model answers from the documents instead.
        "Сколько стоит обслуживание дебетовой карты «Премиум»?",
        "Сколько стоит выпуск дебетовой карты «Классика»?",
        "Сколько стоит обслуживание кредитной карты в месяц?",
        "Какой минимальный платёж по кредитной карте «Периметр 120»?",
        "Какие условия бесплатного обслуживания дебетовой Классики?",
        "Потерянная карта нашлась, как её разблокировать?",
        # A figure the entry's phrasings do not name.
        "Сколько стоят переводы через СБП на 150 000 ₽?",
    ],
)
def test_a_near_miss_gets_no_entry(
    answerer: GroundedAnswerer, store: KnowledgeStore, question: str
) -> None:
    assert entry(answerer, store, question) is None


def test_the_threshold_is_the_phrasing_similarity(store: KnowledgeStore) -> None:
    never = GroundedAnswerer(store, ScriptedChatModel(reply="—"), AnswerPolicy(faq_min_score=1.01))
    question = "Сколько стоит обслуживание дебетовой карты «Классика»?"  # a phrasing, word for word
    assert never.faq_hit(question, store.search(question, 6)) is None


async def test_the_entry_answers_without_the_model(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="не то")
    answerer = GroundedAnswerer(store, model)
    request = AnswerRequest("Телефон поддержки банка", "Телефон поддержки банка")
    chunks = [chunk async for chunk in answerer.astream(request)]
    done = chunks[-1]
    assert isinstance(done, Done) and done.faq_id == "hotline"
    assert done.text.startswith("Горячая линия Банка Периметр: 8 800 555-35-35")
    assert [c.doc_id for c in done.cited] == ["faq-popular"]  # no document states its figures
    assert model.prompts == []  # no model call at all


async def test_a_curated_answer_also_cites_the_document_stating_its_figures(
    store: KnowledgeStore,
) -> None:
    answerer = GroundedAnswerer(store, ScriptedChatModel(reply="не то"))
    question = "Сколько длится грейс по кредитке?"
    done = [chunk async for chunk in answerer.astream(AnswerRequest(question, question))][-1]
    assert isinstance(done, Done) and done.faq_id == "credit-grace-period"
    assert "120 дней" in done.text
    assert [c.doc_id for c in done.cited] == ["faq-popular", "cards-credit"]
