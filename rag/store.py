"""The knowledge store: chunks and their vectors in Qdrant (local mode or a server).

Writing and searching go through langchain-qdrant's ``QdrantVectorStore``; collection
management (create, delete by document, list what is indexed) through qdrant-client.
"""

from __future__ import annotations

import gc
import threading
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_qdrant import QdrantVectorStore
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from rag.chunking import Chunk
from rag.errors import StoreError, StoreLocked

_NAMESPACE = uuid.UUID("6f1d3c2e-8a57-4a43-9c1e-5b0f7e2d9a10")


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    doc_id: str
    content_hash: str
    source: str
    chunks: int


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    doc_id: str
    title: str
    section: str | None
    text: str
    lang: str | None
    score: float


def open_client(
    *, url: str | None, path: Path, api_key: str | None = None, timeout_s: float = 10.0
) -> QdrantClient:
    """A server client when ``url`` is set, else local mode on disk at ``path``."""
    if url:
        return QdrantClient(url=url, api_key=api_key, timeout=int(timeout_s))
    path.mkdir(parents=True, exist_ok=True)
    # qdrant-client leaves the refused lock file open: collect it here, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return QdrantClient(path=str(path))
        except RuntimeError as exc:  # portalocker: the folder is held by another process
            if "already accessed" not in str(exc):
                raise StoreError(str(exc)) from exc
        gc.collect()
    raise StoreLocked(path)


class KnowledgeStore:
    def __init__(self, client: QdrantClient, collection: str, embeddings: Embeddings) -> None:
        self._client = client
        self._collection = collection
        self._embeddings = embeddings
        self._lock = threading.Lock()  # local mode is not safe for concurrent use
        self._vectors: QdrantVectorStore | None = None

    @property
    def collection(self) -> str:
        return self._collection

    def close(self) -> None:
        self._client.close()

    def ensure_collection(self) -> None:
        dimension = len(self._embeddings.embed_query("dimension probe"))
        with self._lock, _translated():
            if not self._client.collection_exists(self._collection):
                self._client.create_collection(
                    self._collection,
                    vectors_config=models.VectorParams(
                        size=dimension, distance=models.Distance.COSINE
                    ),
                )
                with warnings.catch_warnings():  # local mode: no effect, says so; servers use it
                    warnings.simplefilter("ignore", UserWarning)
                    self._client.create_payload_index(
                        self._collection, "metadata.doc_id", models.PayloadSchemaType.KEYWORD
                    )
            else:
                existing = self._client.get_collection(self._collection).config.params.vectors
                size = existing.size if isinstance(existing, models.VectorParams) else None
                if size != dimension:
                    raise StoreError(
                        f"collection {self._collection!r} holds {size}-d vectors but the "
                        f"embedding model gives {dimension}-d: run `perimeter kb ingest "
                        "--rebuild` after changing the embedding model"
                    )
            self._vectors = QdrantVectorStore(
                self._client,
                self._collection,
                self._embeddings,
                validate_collection_config=False,
            )

    def drop_collection(self) -> None:
        with self._lock, _translated():
            if self._client.collection_exists(self._collection):
                self._client.delete_collection(self._collection)
            self._vectors = None

    def _store(self) -> QdrantVectorStore:
        if self._vectors is None:
            self.ensure_collection()
        assert self._vectors is not None
        return self._vectors

    def replace_document(
        self,
        doc_id: str,
        chunks: Sequence[Chunk],
        *,
        content_hash: str,
        source: str,
        is_new: bool = False,
    ) -> None:
        """Swap a document's chunks for new ones (embedding happens before the delete).

        ``is_new`` skips the delete: local mode scans every point for a filtered delete.
        """
        texts = [chunk.embedding_text for chunk in chunks]
        vectors = self._embeddings.embed_documents(texts)
        points = [
            models.PointStruct(
                id=str(uuid.uuid5(_NAMESPACE, f"{doc_id}:{chunk.index}")),
                vector=vector,
                payload={
                    QdrantVectorStore.CONTENT_KEY: chunk.text,
                    QdrantVectorStore.METADATA_KEY: {
                        "doc_id": doc_id,
                        "title": chunk.title,
                        "section": chunk.section,
                        "lang": chunk.lang,
                        "chunk_index": chunk.index,
                        "content_hash": content_hash,
                        "source": source,
                    },
                },
            )
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        self._store()
        with self._lock, _translated():
            if not is_new:
                self._client.delete(self._collection, points_selector=_doc_filter(doc_id))
            if points:
                self._client.upsert(self._collection, points=points)

    def delete_document(self, doc_id: str) -> None:
        self._store()
        with self._lock, _translated():
            self._client.delete(self._collection, points_selector=_doc_filter(doc_id))

    def indexed_documents(self) -> dict[str, IndexedDocument]:
        self._store()
        found: dict[str, dict[str, Any]] = {}
        offset: Any = None
        with self._lock, _translated():
            while True:
                records, offset = self._client.scroll(
                    self._collection,
                    limit=512,
                    offset=offset,
                    with_payload=["metadata.doc_id", "metadata.content_hash", "metadata.source"],
                    with_vectors=False,
                )
                for record in records:
                    meta = (record.payload or {}).get(QdrantVectorStore.METADATA_KEY, {})
                    entry = found.setdefault(str(meta.get("doc_id")), {"n": 0, **meta})
                    entry["n"] += 1
                if offset is None:
                    break
        return {
            doc_id: IndexedDocument(
                doc_id, str(e.get("content_hash")), str(e.get("source")), int(e["n"])
            )
            for doc_id, e in found.items()
        }

    def count(self) -> int:
        self._store()
        with self._lock, _translated():
            return self._client.count(self._collection, exact=True).count

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        store = self._store()
        with self._lock, _translated():
            hits = store.similarity_search_with_score(query, k=k)
        return [
            ScoredChunk(
                doc_id=str(doc.metadata.get("doc_id")),
                title=str(doc.metadata.get("title")),
                section=doc.metadata.get("section"),
                text=doc.page_content,
                lang=doc.metadata.get("lang"),
                score=float(score),
            )
            for doc, score in hits
        ]


def _doc_filter(doc_id: str) -> models.FilterSelector:
    return models.FilterSelector(
        filter=models.Filter(
            must=[
                models.FieldCondition(key="metadata.doc_id", match=models.MatchValue(value=doc_id))
            ]
        )
    )


@contextmanager
def _translated() -> Iterator[None]:
    """Turn qdrant-client transport errors into StoreError at the boundary."""
    try:
        yield
    except (UnexpectedResponse, ResponseHandlingException, ConnectionError, TimeoutError) as exc:
        raise StoreError(f"vector store failed: {exc}") from exc
