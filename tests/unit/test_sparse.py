"""Sparse lexical vectors: Russian morphology and English stems meet across word forms, numbers
survive, ids are stable across processes, and Qdrant (IDF modifier) ranks the right snippet
first for colloquial questions — directly and through langchain_qdrant's vector store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_qdrant import QdrantVectorStore, RetrievalMode
from langchain_qdrant.sparse_embeddings import SparseEmbeddings, SparseVector
from qdrant_client import QdrantClient, models

from rag.sparse import LexicalSparseEmbeddings, term_id

ROOT = Path(__file__).resolve().parents[2]

SNIPPETS = {
    "card_fee": "Обслуживание дебетовой карты стоит 99 рублей в месяц. При покупках от 10 000 "
    "рублей в месяц обслуживание бесплатное.",
    "grace": "По кредитной карте действует льготный период до 120 дней: проценты не "
    "начисляются, если погасить задолженность вовремя.",
    "sbp": "Переводы через СБП по номеру телефона без комиссии до 100 000 рублей в месяц. "
    "Лимит переводов — 1 000 000 рублей в сутки.",
    "deposit": "Ставки по вкладам: до 16% годовых на срок от 3 месяцев. Вклад можно пополнять.",
    "lost_card": "Если карта потеряна или украдена, заблокируйте её в приложении или позвоните "
    "на горячую линию.",
    "mortgage": "Ипотека на новостройки от 6% годовых, первоначальный взнос от 20%, срок кредита "
    "до 30 лет.",
    "swift": "Международные переводы SWIFT в долларах и евро: комиссия 0,5% от суммы.",
    "cash": "Снятие наличных в банкоматах других банков: комиссия 1% от суммы, минимум 100 рублей.",
}

QUESTIONS = [
    ("скока стоит обслуживание дебетовой карты", "card_fee"),
    ("какой льготный период по кредитной карте", "grace"),
    ("лимит переводов по сбп", "sbp"),
    ("какой процент по вкладу", "deposit"),
    ("потерял карту что делать", "lost_card"),
    ("ипотеку на новостройку дадите?", "mortgage"),
    ("сколько стоит снять наличку в чужом банкомате", "cash"),
]


@pytest.fixture(scope="module")
def lexical() -> LexicalSparseEmbeddings:
    return LexicalSparseEmbeddings()


def shared_terms(lexical: LexicalSparseEmbeddings, a: str, b: str) -> set[str]:
    return set(lexical.terms(a)) & set(lexical.terms(b))


def test_is_a_langchain_qdrant_sparse_embeddings(lexical: LexicalSparseEmbeddings) -> None:
    assert isinstance(lexical, SparseEmbeddings)
    assert isinstance(lexical.embed_query("карта"), SparseVector)


def test_russian_word_forms_meet_on_lemmas(lexical: LexicalSparseEmbeddings) -> None:
    query = "кредитная карта"
    document = "По кредитной карте действует льготный период"
    assert {"кредитный", "карта"} <= shared_terms(lexical, query, document)
    assert {"кредитный", "карта"} <= set(lexical.terms("кредитные карты"))
    assert "сбп" in shared_terms(lexical, "переводы по СБП", "перевести через сбп")
    assert lexical.terms("вкладов") == lexical.terms("вклад") == ["вклад"]
    assert lexical.terms("Ёлка") == lexical.terms("елка")


def test_query_and_document_vectors_overlap_on_shared_lemmas(
    lexical: LexicalSparseEmbeddings,
) -> None:
    query = lexical.embed_query("кредитная карта")
    document = lexical.embed_documents(["По кредитной карте действует льготный период"])[0]
    assert set(query.indices) <= set(document.indices)


def test_english_stems_match_across_forms(lexical: LexicalSparseEmbeddings) -> None:
    assert lexical.terms("transfers") == lexical.terms("transferring") == ["transfer"]
    assert {"card", "fee"} <= shared_terms(lexical, "Card fees", "What is the fee for my card?")


def test_function_words_are_dropped_and_banking_words_kept(
    lexical: LexicalSparseEmbeddings,
) -> None:
    terms = lexical.terms("Здравствуйте! Подскажите, пожалуйста, как мне узнать баланс карты?")
    assert terms == ["узнать", "баланс", "карта"]
    assert lexical.terms("How do I block my card?") == ["block", "card"]
    assert lexical.terms("сбп, swift, ИП") == ["сбп", "swift", "ип"]


def test_negation_is_fused_with_the_next_word(lexical: LexicalSparseEmbeddings) -> None:
    assert lexical.terms("карта не работает") == ["карта", "не_работать", "работать"]
    assert lexical.terms("перевод без комиссии") == ["перевод", "без_комиссия", "комиссия"]
    assert lexical.terms("I can't log in") == ["not_log", "log"]
    assert "не" not in lexical.terms("не на ту карту")


def test_numbers_survive_and_grouped_digits_are_joined(lexical: LexicalSparseEmbeddings) -> None:
    assert lexical.terms("30 000 рублей")[0] == "30000"
    for written in ("30000", "30 000", "30\u00a0000", "30\u202f000", "30\u2009000"):
        assert lexical.terms(written) == ["30000"], written
    assert lexical.embed_query("30 000 ₽") == lexical.embed_query("30000")
    assert lexical.terms("5000р") == ["5000", "р"]
    assert lexical.terms("лимит 120 дней") == ["лимит", "120", "день"]
    assert lexical.terms("1 200 000") == ["1200000"]
    assert lexical.terms("ставка 7,5%") == lexical.terms("ставка 7.5 %") == ["ставка", "7.5"]
    assert lexical.terms("в 2024 100 раз") == ["2024", "100", "раз"]


def test_mixed_script_look_alikes_are_read_whole(lexical: LexicalSparseEmbeddings) -> None:
    # "cбп" with a Latin "c", "card" with a Cyrillic "с"
    assert lexical.terms("cбп") == ["сбп"]
    assert lexical.terms("\u0441ard fees") == ["card", "fee"]


def test_vectors_are_sorted_merged_and_weighted(lexical: LexicalSparseEmbeddings) -> None:
    query = lexical.embed_query("карта карты карте кредитная")
    assert query.indices == sorted(set(query.indices))
    assert len(query.indices) == 2
    assert query.values == [1.0, 1.0]
    assert all(0 <= index < 2**32 for index in query.indices)

    once, thrice = lexical.embed_documents(["карта вклад", "карта карта карта вклад"])
    card = term_id("карта")
    weight_once = once.values[once.indices.index(card)]
    weight_thrice = thrice.values[thrice.indices.index(card)]
    assert 0 < weight_once < weight_thrice < lexical.k1 + 1


def test_longer_documents_weigh_each_term_less() -> None:
    lexical = LexicalSparseEmbeddings(avg_doc_terms=10)
    short = lexical.embed_documents(["ипотека"])[0]
    long = lexical.embed_documents(["ипотека " + " ".join(f"слово{i}" for i in range(50))])[0]
    index = term_id("ипотека")
    assert long.values[long.indices.index(index)] < short.values[short.indices.index(index)]


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="b must"):
        LexicalSparseEmbeddings(b=2)
    with pytest.raises(ValueError, match="avg_doc_terms"):
        LexicalSparseEmbeddings(avg_doc_terms=0)


@pytest.mark.parametrize("text", ["", "   ", "?!…", "как мне, что же, ли бы", "the is a my how"])
def test_empty_or_stop_word_only_text_gives_an_empty_vector(
    lexical: LexicalSparseEmbeddings, text: str
) -> None:
    assert lexical.embed_query(text) == SparseVector(indices=[], values=[])
    assert lexical.embed_documents([text]) == [SparseVector(indices=[], values=[])]
    assert lexical.embed_documents([]) == []


def test_very_long_text_works(lexical: LexicalSparseEmbeddings) -> None:
    chunk = " ".join(SNIPPETS.values()) + " "
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    vector = lexical.embed_documents([text])[0]
    assert len(vector.indices) > 50
    assert vector.indices == sorted(set(vector.indices))
    assert all(value > 0 for value in vector.values)


def test_ids_are_identical_in_a_fresh_process(lexical: LexicalSparseEmbeddings) -> None:
    text = "Какой лимит переводов по СБП? Transfers up to 30 000 ₽, без комиссии."
    script = (
        "import json, sys\n"
        "from rag.sparse import LexicalSparseEmbeddings\n"
        "e = LexicalSparseEmbeddings()\n"
        "text = sys.stdin.read()\n"
        "q, d = e.embed_query(text), e.embed_documents([text])[0]\n"
        "print(json.dumps([q.indices, q.values, d.indices, d.values]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={"PYTHONHASHSEED": "12345", "PATH": "", "PYTHONIOENCODING": "utf-8"},
        check=True,
        timeout=120,
    )
    query, document = lexical.embed_query(text), lexical.embed_documents([text])[0]
    assert json.loads(result.stdout) == [
        query.indices,
        query.values,
        document.indices,
        document.values,
    ]


def lexical_collection(client: QdrantClient, name: str) -> None:
    client.create_collection(
        name,
        vectors_config={},
        sparse_vectors_config={"lexical": models.SparseVectorParams(modifier=models.Modifier.IDF)},
    )


def test_qdrant_ranks_the_right_snippet_first(lexical: LexicalSparseEmbeddings) -> None:
    client = QdrantClient(":memory:")
    lexical_collection(client, "kb")
    keys = list(SNIPPETS)
    vectors = lexical.embed_documents(list(SNIPPETS.values()))
    client.upsert(
        "kb",
        points=[
            models.PointStruct(
                id=number,
                vector={"lexical": models.SparseVector(indices=v.indices, values=v.values)},
                payload={"key": key},
            )
            for number, (key, v) in enumerate(zip(keys, vectors, strict=True))
        ],
    )
    for question, expected in QUESTIONS:
        query = lexical.embed_query(question)
        hits = client.query_points(
            "kb",
            query=models.SparseVector(indices=query.indices, values=query.values),
            using="lexical",
            limit=3,
        ).points
        assert hits, question
        assert hits[0].payload == {"key": expected}, (question, [h.payload for h in hits])
    client.close()


def test_langchain_vector_store_accepts_it_in_sparse_mode(
    lexical: LexicalSparseEmbeddings,
) -> None:
    client = QdrantClient(":memory:")
    lexical_collection(client, "kb")
    store = QdrantVectorStore(
        client=client,
        collection_name="kb",
        sparse_embedding=lexical,
        retrieval_mode=RetrievalMode.SPARSE,
        sparse_vector_name="lexical",
    )
    store.add_texts(list(SNIPPETS.values()), metadatas=[{"key": key} for key in SNIPPETS])
    for question, expected in QUESTIONS:
        found = store.similarity_search(question, k=3)
        assert found[0].metadata["key"] == expected, question
    client.close()
