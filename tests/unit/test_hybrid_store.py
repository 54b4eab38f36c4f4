"""The knowledge store with real embeddings and Qdrant local mode on disk: hybrid search
(dense + Russian lexical vectors fused by RRF), and the alias that lets a rebuild for a new
embedding model switch over atomically, never serving a half-built index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from qdrant_client import QdrantClient, models

from rag.embeddings import SentenceTransformerEmbeddings, UniversalSentenceEncoderEmbeddings
from rag.errors import StoreError
from rag.ingest import Ingestor
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, RetrievalMode, open_client
from tests.conftest import KB_DIR
from tests.unit.test_embeddings import st_model_path


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbeddings:
    model = SentenceTransformerEmbeddings(st_model_path())
    model.load()
    return model


@pytest.fixture
def client(tmp_path: Path) -> Iterator[QdrantClient]:
    qdrant = open_client(url=None, path=tmp_path / "qdrant")
    yield qdrant
    qdrant.close()


def store_of(client: QdrantClient, embeddings: object, **kw: object) -> KnowledgeStore:
    return KnowledgeStore(client, "kb", embeddings, LexicalSparseEmbeddings(), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> Iterator[KnowledgeStore]:
    qdrant = open_client(url=None, path=tmp_path_factory.mktemp("kb") / "qdrant")
    store = store_of(qdrant, use_embeddings)
    Ingestor(store).ingest_dir(KB_DIR)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("question", "doc"),
    [
        ("скока стоит обслуживание дебетовой карты", "cards-debit-fees"),
        ("какой льготный период по кредитной карте", "cards-credit"),
        ("лимит переводов по сбп в месяц", "transfers-sbp"),
        ("how much does a SWIFT transfer cost", "intl-transfers-swift-en"),
    ],
)
@pytest.mark.parametrize("mode", list(RetrievalMode))
def test_every_mode_finds_the_passage_customers_ask_about(
    indexed: KnowledgeStore, question: str, doc: str, mode: RetrievalMode
) -> None:
    found = indexed.search(question, 5, mode)
    assert doc in [h.doc_id for h in found[:3]], [h.doc_id for h in found]


def test_hybrid_scores_are_the_dense_similarity_for_the_confidence_gate(
    indexed: KnowledgeStore,
) -> None:
    hybrid = indexed.search("сколько стоит обслуживание дебетовой карты", 4, RetrievalMode.HYBRID)
    dense = {
        h.text: h.score
        for h in indexed.search(
            "сколько стоит обслуживание дебетовой карты", 20, RetrievalMode.DENSE
        )
    }
    compared = [hit for hit in hybrid if hit.text in dense]
    assert len(compared) >= 2, "the fused top passages include dense ones"
    for hit in compared:
        assert hit.score == pytest.approx(dense[hit.text], abs=1e-4)
    assert all(-1 <= h.score <= 1 for h in hybrid)


def test_a_query_of_stop_words_only_falls_back_to_dense(indexed: KnowledgeStore) -> None:
    assert indexed.search("а что как", 3, RetrievalMode.HYBRID)
    assert indexed.search("а что как", 3, RetrievalMode.SPARSE) == []


def test_the_served_name_is_an_alias_of_a_collection_named_after_the_model(
    client: QdrantClient, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> None:
    store = store_of(client, use_embeddings)
    store.ensure_collection()
    aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
    assert aliases["kb"] == store.physical == store.target_collection()
    assert store.physical.startswith("kb__use-512-") and not store.needs_rebuild
    lexical = client.get_collection(store.physical).config.params.sparse_vectors
    assert lexical is not None and lexical["lexical"].modifier is models.Modifier.IDF


def test_a_new_embedding_model_is_built_aside_and_switched_to_atomically(
    client: QdrantClient,
    use_embeddings: UniversalSentenceEncoderEmbeddings,
    minilm: SentenceTransformerEmbeddings,
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("cards-debit-fees.md", "transfers-sbp.md"):
        (docs / name).write_bytes((KB_DIR / name).read_bytes())
    old = store_of(client, use_embeddings)
    Ingestor(old).ingest_dir(docs)
    old_collection = old.physical

    new = store_of(client, minilm)
    new.ensure_collection()
    assert new.needs_rebuild and new.physical == old_collection, "the old index keeps serving"

    served_while_building: list[list[str]] = []

    def fill(staging: KnowledgeStore) -> None:
        Ingestor(staging).ingest_dir(docs)
        # Half way: the bot still answers from the complete old index.
        hits = old.search("стоимость обслуживания карты", 2)
        served_while_building.append([h.doc_id for h in hits])

    new.rebuild(fill)
    assert len(served_while_building) == 1
    assert served_while_building[0][0] == "cards-debit-fees"
    aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
    assert aliases["kb"] == new.physical != old_collection
    assert not client.collection_exists(old_collection), "the old collection is dropped"
    assert new.search("лимит сбп", 3)[0].doc_id == "transfers-sbp"
    assert not new.needs_rebuild


def test_a_rebuild_that_fails_half_way_leaves_the_served_index_alone(
    client: QdrantClient, use_embeddings: UniversalSentenceEncoderEmbeddings, tmp_path: Path
) -> None:
    store = store_of(client, use_embeddings)
    Ingestor(store).ingest_dir(KB_DIR)
    before = store.physical
    count = store.count()

    def broken(staging: KnowledgeStore) -> None:
        Ingestor(staging).ingest_dir(KB_DIR)
        raise StoreError("disk full")

    with pytest.raises(StoreError, match="disk full"):
        store.rebuild(broken)
    assert store.physical == before and store.count() == count
    assert store.search("лимит переводов по сбп", 1)[0].doc_id == "transfers-sbp"
    store.rebuild(lambda staging: Ingestor(staging).ingest_dir(KB_DIR))  # leftovers cleaned
    assert store.count() == count


def test_an_index_from_before_aliases_is_upgraded_by_a_rebuild(
    client: QdrantClient, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> None:
    client.create_collection(
        "kb", vectors_config=models.VectorParams(size=512, distance=models.Distance.COSINE)
    )
    store = store_of(client, use_embeddings)
    store.ensure_collection()
    assert store.needs_rebuild and store.physical == "kb"
    store.rebuild(lambda staging: Ingestor(staging).ingest_dir(KB_DIR))
    aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
    assert aliases["kb"] == store.physical and store.physical != "kb"
    assert store.search("льготный период кредитной карты", 1)[0].doc_id == "cards-credit"
