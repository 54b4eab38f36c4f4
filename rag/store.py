"""The knowledge store: chunks with a dense and a lexical vector in Qdrant (local or server).

Serving goes through a Qdrant **alias** (the configured collection name) that points at a
physical collection named after the embedding model (``kb__use-512-1a2b3c4d``). Changing the
embedding model builds the index into a new collection while the old one keeps serving, then
switches the alias in one atomic call: there is no moment with a half-built index.

Each point has a named dense vector (``dense``, cosine) and a sparse lexical vector
(``lexical``: Russian lemmas and English stems, with Qdrant's IDF modifier). Search is dense,
lexical, or hybrid: both as prefetches fused by reciprocal rank fusion in Qdrant's query API.
The payload keeps langchain-qdrant's layout (``page_content`` + ``metadata``).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_qdrant import QdrantVectorStore
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from rag.chunking import Chunk
from rag.errors import StoreError, StoreLocked
from rag.modes import RetrievalMode
from rag.vectors import cosine, unit

log = logging.getLogger(__name__)
_NAMESPACE = uuid.UUID("6f1d3c2e-8a57-4a43-9c1e-5b0f7e2d9a10")
DENSE = "dense"
LEXICAL = "lexical"
_SCHEMA = "v2"  # bump when the collection layout changes: the index is rebuilt
CONTENT_KEY = QdrantVectorStore.CONTENT_KEY
METADATA_KEY = QdrantVectorStore.METADATA_KEY


class SparseEncoder(Protocol):
    """What the store needs of a lexical encoder (``rag.sparse.LexicalSparseEmbeddings``)."""

    def embed_documents(self, texts: list[str]) -> list[Any]: ...

    def embed_query(self, text: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    doc_id: str
    content_hash: str
    source: str
    chunks: int
    version: int | None = None  # the content team's version, for documents from /admin


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    """A chunk found for a query. ``score`` is the cosine similarity of its dense vector to
    the query (the confidence gate uses it, whatever the ranking); in lexical-only search it
    is Qdrant's lexical score."""

    doc_id: str
    title: str
    section: str | None
    text: str
    lang: str | None
    score: float
    metadata: dict[str, Any] | None = None


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


def embeddings_identity(embeddings: Embeddings) -> str:
    """Names the embedding model (backend and local model folder): a new one means a new index."""
    name = str(getattr(embeddings, "name", type(embeddings).__name__))
    model_path = getattr(embeddings, "model_path", None)
    return f"{name}:{Path(model_path).name}" if model_path else name


LINE_CACHE = 20_000  # line vectors kept for the reader (~40 MB with 512-dimensional vectors)


class KnowledgeStore:
    def __init__(
        self,
        client: QdrantClient,
        collection: str,
        embeddings: Embeddings,
        sparse: SparseEncoder | None = None,
        *,
        mode: RetrievalMode = RetrievalMode.HYBRID,
        lock: threading.Lock | None = None,
    ) -> None:
        self._client = client
        self._alias = collection
        self._embeddings = embeddings
        self._sparse = sparse
        self._mode = mode if sparse is not None else RetrievalMode.DENSE
        self._lock = lock or threading.Lock()  # local mode is not safe for concurrent use
        self._physical: str | None = None
        self._dimension: int | None = None
        self._building = False  # a rebuild's staging store: writes only, never the alias
        self.needs_rebuild = False
        # Vectors of knowledge-base lines (sentences, table rows) the reader compared with a
        # question: the same lines come back with every question on their topic.
        self._line_vectors: OrderedDict[str, np.ndarray[Any, Any]] = OrderedDict()
        self._line_lock = threading.Lock()
        self._listeners: list[Callable[[str | None], object]] = []

    def on_change(self, listener: Callable[[str | None], object]) -> None:
        """Call ``listener(doc_id)`` after a document is replaced or deleted here, and
        ``listener(None)`` after a rebuild (the answer cache forgets what they cited)."""
        self._listeners.append(listener)

    def _changed(self, doc_id: str | None) -> None:
        for listener in self._listeners:
            listener(doc_id)

    @property
    def collection(self) -> str:
        """The name the bot searches: an alias of the physical collection."""
        return self._alias

    @property
    def physical(self) -> str | None:
        return self._physical

    def close(self) -> None:
        self._client.close()

    # --- collections and the alias -------------------------------------------------------

    def target_collection(self) -> str:
        """The physical collection for the current embedding model and layout."""
        identity = f"{embeddings_identity(self._embeddings)}:{self._dim()}:{_SCHEMA}"
        identity += ":lexical" if self._sparse is not None else ""
        digest = hashlib.sha256(identity.encode()).hexdigest()[:8]
        label = "".join(c if c.isalnum() else "-" for c in embeddings_identity(self._embeddings))
        return f"{self._alias}__{label[:24]}-{self._dim()}-{digest}"

    def _dim(self) -> int:
        if self._dimension is None:
            self._dimension = len(self._embeddings.embed_query("dimension probe"))
        return self._dimension

    def _aliased(self) -> str | None:
        aliases = self._client.get_aliases().aliases
        return next((a.collection_name for a in aliases if a.alias_name == self._alias), None)

    def ensure_collection(self) -> None:
        """Serve the alias; create it (and its collection) when there is none yet.

        When the alias points at a collection of another embedding model or layout (or a
        collection of the old layout holds the name), ``needs_rebuild`` is set and that
        collection keeps serving until :meth:`rebuild` switches over.
        """
        if self._building:
            return
        target = self.target_collection()
        with self._lock, _translated():
            current = self._aliased()
            if current is None and self._client.collection_exists(self._alias):
                current = self._alias  # the layout before aliases: a plain collection
            if current is None:
                try:
                    self._create(target)
                    self._client.update_collection_aliases([_create_alias(target, self._alias)])
                    current = target
                except Exception:
                    current = self._aliased()  # another replica created it just now
                    if current is None:
                        raise
            self._physical = current
            self.needs_rebuild = current != target
        if self.needs_rebuild:
            log.warning(
                "knowledge base %r is indexed for another embedding model or layout (%s); "
                "it keeps serving until a rebuild into %s switches over",
                self._alias,
                current,
                target,
            )

    def _create(self, name: str) -> None:
        sparse = (
            {LEXICAL: models.SparseVectorParams(modifier=models.Modifier.IDF)}
            if self._sparse is not None
            else None
        )
        self._client.create_collection(
            name,
            vectors_config={
                DENSE: models.VectorParams(size=self._dim(), distance=models.Distance.COSINE)
            },
            sparse_vectors_config=sparse,
        )
        with warnings.catch_warnings():  # local mode: no effect, says so; servers use it
            warnings.simplefilter("ignore", UserWarning)
            self._client.create_payload_index(
                name, f"{METADATA_KEY}.doc_id", models.PayloadSchemaType.KEYWORD
            )

    def rebuild(self, fill: Callable[[KnowledgeStore], object]) -> None:
        """Index everything anew into a fresh collection (``fill`` writes to the store it is
        given), then point the alias at it in one atomic call and drop the old one."""
        target = self.target_collection()
        staging = f"{target}-build"
        with self._lock, _translated():
            if self._client.collection_exists(staging):
                self._client.delete_collection(staging)  # a build that died half way
            self._create(staging)
        builder = KnowledgeStore(
            self._client,
            self._alias,
            self._embeddings,
            self._sparse,
            mode=self._mode,
            lock=self._lock,
        )
        builder._physical = staging
        builder._dimension = self._dimension
        builder._building = True
        fill(builder)
        with self._lock, _translated():
            old = self._aliased()
            legacy = old is None and self._client.collection_exists(self._alias)
            if legacy:
                # The layout before aliases: the name is a collection, not an alias. This
                # one-time upgrade drops it just before the alias takes its name.
                self._client.delete_collection(self._alias)
            operations: list[Any] = []
            if old is not None:
                operations.append(
                    models.DeleteAliasOperation(
                        delete_alias=models.DeleteAlias(alias_name=self._alias)
                    )
                )
            operations.append(_create_alias(staging, self._alias))
            self._client.update_collection_aliases(operations)
            if old is not None and old != staging:
                self._client.delete_collection(old)
            self._physical = staging
            self.needs_rebuild = False
        log.info("knowledge base %r now served from %s", self._alias, staging)
        self._changed(None)

    def drop_collection(self) -> None:
        """Forget the whole index (tests and ``--rebuild`` from scratch)."""
        with self._lock, _translated():
            current = self._aliased()
            if current is not None:
                self._client.update_collection_aliases(
                    [
                        models.DeleteAliasOperation(
                            delete_alias=models.DeleteAlias(alias_name=self._alias)
                        )
                    ]
                )
                self._client.delete_collection(current)
            elif self._client.collection_exists(self._alias):
                self._client.delete_collection(self._alias)
            self._physical = None

    def _reading_from(self) -> str:
        """The collection served now, found without the embedding model (a read-only look,
        as `perimeter kb why` takes, must not load it)."""
        if self._physical is not None:
            return self._physical
        with self._lock, _translated():
            current = self._aliased()
            if current is None and self._client.collection_exists(self._alias):
                current = self._alias
        if current is None:
            raise StoreError(f"there is no knowledge base index {self._alias!r} yet")
        return current

    def _writing_to(self) -> str:
        if self._physical is None:
            self.ensure_collection()
        assert self._physical is not None
        return self._physical

    # --- writing -------------------------------------------------------------------------

    def replace_document(
        self,
        doc_id: str,
        chunks: Sequence[Chunk],
        *,
        content_hash: str,
        source: str,
        is_new: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Swap a document's chunks for new ones (embedding happens before the delete).

        ``is_new`` skips the delete: local mode scans every point for a filtered delete.
        ``extra`` goes into every chunk's metadata (the document's version, for instance).
        """
        collection = self._writing_to()
        texts = [chunk.embedding_text for chunk in chunks]
        dense = self._embeddings.embed_documents(texts)
        lexical = self._sparse.embed_documents(texts) if self._sparse is not None else None
        points = []
        for position, (chunk, vector) in enumerate(zip(chunks, dense, strict=True)):
            vectors: dict[str, Any] = {DENSE: vector}
            if lexical is not None:
                sparse = lexical[position]
                vectors[LEXICAL] = models.SparseVector(
                    indices=list(sparse.indices), values=list(sparse.values)
                )
            points.append(
                models.PointStruct(
                    id=str(uuid.uuid5(_NAMESPACE, f"{doc_id}:{chunk.index}")),
                    vector=vectors,
                    payload={
                        CONTENT_KEY: chunk.text,
                        METADATA_KEY: {
                            **_chunk_metadata(chunk),
                            "doc_id": doc_id,
                            "content_hash": content_hash,
                            "source": source,
                            **(extra or {}),
                        },
                    },
                )
            )
        with self._lock, _translated():
            if not is_new:
                self._client.delete(collection, points_selector=_doc_filter(doc_id))
            if points:
                self._client.upsert(collection, points=points)
        self._changed(doc_id)

    def delete_document(self, doc_id: str) -> None:
        collection = self._writing_to()
        with self._lock, _translated():
            self._client.delete(collection, points_selector=_doc_filter(doc_id))
        self._changed(doc_id)

    # --- reading -------------------------------------------------------------------------

    def _payloads(self, fields: list[str]) -> list[dict[str, Any]]:
        """The ``fields`` of every point of the collection read from, page by page."""
        collection = self._reading_from()
        payloads: list[dict[str, Any]] = []
        offset: Any = None
        with self._lock, _translated():
            while True:
                records, offset = self._client.scroll(
                    collection, limit=512, offset=offset, with_payload=fields, with_vectors=False
                )
                payloads.extend(record.payload or {} for record in records)
                if offset is None:
                    return payloads

    def indexed_documents(self) -> dict[str, IndexedDocument]:
        found: dict[str, dict[str, Any]] = {}
        keys = ("doc_id", "content_hash", "source", "version")
        fields = [f"{METADATA_KEY}.{key}" for key in keys]
        for payload in self._payloads(fields):
            meta = payload.get(METADATA_KEY, {})
            entry = found.setdefault(str(meta.get("doc_id")), {"n": 0, **meta})
            entry["n"] += 1
        return {
            doc_id: IndexedDocument(
                doc_id,
                str(e.get("content_hash")),
                str(e.get("source")),
                int(e["n"]),
                int(e["version"]) if isinstance(e.get("version"), int) else None,
            )
            for doc_id, e in found.items()
        }

    def document_version(self, doc_id: str) -> str | None:
        """The content hash of ``doc_id`` as indexed now; None when it is not indexed."""
        collection = self._reading_from()
        with self._lock, _translated():
            records, _ = self._client.scroll(
                collection,
                scroll_filter=_doc_filter(doc_id).filter,
                limit=1,
                with_payload=[f"{METADATA_KEY}.content_hash"],
                with_vectors=False,
            )
        if not records:
            return None
        return str((records[0].payload or {}).get(METADATA_KEY, {}).get("content_hash") or "")

    def query_vector(self, query: str) -> list[float]:
        """``query``'s dense vector, as the search computes it."""
        return self._embeddings.embed_query(query)

    def texts(self, *, excluding: str | None = None) -> list[str]:
        """The text of every chunk the bot answers from, but those of document ``excluding``."""
        return [
            str(payload.get(CONTENT_KEY, ""))
            for payload in self._payloads([CONTENT_KEY, f"{METADATA_KEY}.doc_id"])
            if payload.get(METADATA_KEY, {}).get("doc_id") != excluding
        ]

    def ready(self) -> None:
        """Raises ``StoreError`` unless the collection the bot searches is there."""
        with self._lock, _translated():
            if self._aliased() is None and not self._client.collection_exists(self._alias):
                raise StoreError(f"the knowledge base collection {self._alias!r} is missing")

    def count(self) -> int:
        collection = self._writing_to()
        with self._lock, _translated():
            return self._client.count(collection, exact=True).count

    def similarities(self, query: str, lines: Sequence[str]) -> list[float]:
        """Cosine similarity of ``query`` to each line, by the store's dense model; the lines'
        vectors are kept (the most recent ``LINE_CACHE`` of them)."""
        if not lines:
            return []
        vectors = self._line_matrix(lines)
        question = unit(self._embeddings.embed_query(query))
        return [float(x) for x in vectors @ question]

    def keep_lines(self, lines: Sequence[str], batch: int = 64) -> int:
        """Compute and keep the vectors of ``lines`` not kept yet, ``batch`` at a time, while
        the cache has room (the reader's lines of the whole index, ahead of the questions);
        returns how many were added."""
        added = 0
        for start in range(0, len(lines), batch):
            with self._line_lock:
                room = LINE_CACHE - len(self._line_vectors)
                if room <= 0:
                    break
                batch_lines = dict.fromkeys(lines[start : start + batch])
                missing = [t for t in batch_lines if t not in self._line_vectors][:room]
            if not missing:
                continue
            vectors = self._embed_lines(missing)
            with self._line_lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._line_vectors.setdefault(text, vector)
            added += len(missing)
        return added

    def _line_matrix(self, lines: Sequence[str]) -> np.ndarray[Any, Any]:
        """Unit vectors of ``lines``, one row each: kept ones reused, the rest computed."""
        with self._line_lock:
            missing = [t for t in dict.fromkeys(lines) if t not in self._line_vectors]
        computed = dict(zip(missing, self._embed_lines(missing), strict=True)) if missing else {}
        with self._line_lock:
            rows = []
            for text in lines:
                vector = self._line_vectors.get(text)
                if vector is None:  # just computed, or pushed out by a concurrent question
                    vector = computed.get(text)
                    if vector is None:
                        vector = self._embed_lines([text])[0]
                    self._line_vectors[text] = vector
                self._line_vectors.move_to_end(text)
                rows.append(vector)
            while len(self._line_vectors) > LINE_CACHE:
                self._line_vectors.popitem(last=False)
        return np.stack(rows)

    def _embed_lines(self, lines: list[str]) -> list[np.ndarray[Any, Any]]:
        vectors = np.asarray(self._embeddings.embed_documents(lines), dtype=np.float32)
        return [unit(v) for v in vectors.reshape(len(lines), -1)]

    def chunks(self) -> list[ScoredChunk]:
        """Every chunk the bot answers from (score 0), in no particular order."""
        return [_chunk_of(p, 0.0) for p in self._payloads([CONTENT_KEY, METADATA_KEY])]

    def search(self, query: str, k: int, mode: RetrievalMode | None = None) -> list[ScoredChunk]:
        """The ``k`` best chunks, best first, by ``mode`` (the store's own by default)."""
        mode = mode or self._mode
        if mode is not RetrievalMode.DENSE and self._sparse is None:
            raise StoreError("lexical search needs a sparse encoder")
        self._writing_to()
        dense = self._embeddings.embed_query(query) if mode is not RetrievalMode.SPARSE else None
        lexical = None
        if mode is not RetrievalMode.DENSE:
            assert self._sparse is not None
            encoded = self._sparse.embed_query(query)
            if encoded.indices:
                lexical = models.SparseVector(
                    indices=list(encoded.indices), values=list(encoded.values)
                )
        with self._lock, _translated():
            points = self._query(mode, dense, lexical, k)
        return [self._scored(point, mode, dense) for point in points]

    def _query(
        self,
        mode: RetrievalMode,
        dense: list[float] | None,
        lexical: models.SparseVector | None,
        k: int,
    ) -> list[models.ScoredPoint]:
        if mode is RetrievalMode.SPARSE:
            if lexical is None:
                return []
            return self._client.query_points(
                self._alias, query=lexical, using=LEXICAL, limit=k, with_payload=True
            ).points
        if mode is RetrievalMode.DENSE or lexical is None:
            return self._client.query_points(
                self._alias, query=dense, using=DENSE, limit=k, with_payload=True
            ).points
        depth = max(k * 4, 20)
        return self._client.query_points(
            self._alias,
            prefetch=[
                models.Prefetch(query=dense, using=DENSE, limit=depth),
                models.Prefetch(query=lexical, using=LEXICAL, limit=depth),
            ],
            query=models.FusionQuery(fusion=models.Fusion.RRF),
            limit=k,
            with_payload=True,
            with_vectors=[DENSE],
        ).points

    @staticmethod
    def _scored(
        point: models.ScoredPoint, mode: RetrievalMode, query: list[float] | None
    ) -> ScoredChunk:
        score = float(point.score)
        if mode is RetrievalMode.HYBRID and query is not None:
            vectors = point.vector if isinstance(point.vector, dict) else {}
            stored = vectors.get(DENSE)
            if isinstance(stored, list) and all(isinstance(x, float) for x in stored[:1]):
                score = cosine(query, [float(x) for x in stored])  # type: ignore[arg-type]
        return _chunk_of(point.payload or {}, score)


def _chunk_of(payload: dict[str, Any], score: float) -> ScoredChunk:
    """The chunk a point's payload holds, with ``score``."""
    meta = dict(payload.get(METADATA_KEY) or {})
    return ScoredChunk(
        doc_id=str(meta.get("doc_id")),
        title=str(meta.get("title")),
        section=meta.get("section"),
        text=str(payload.get(CONTENT_KEY, "")),
        lang=meta.get("lang"),
        score=score,
        metadata=meta,
    )


def _chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": chunk.title,
        "section": chunk.section,
        "lang": chunk.lang,
        "chunk_index": chunk.index,
    }
    if chunk.url:
        meta["url"] = chunk.url
    if chunk.faq_id is not None:  # a curated question/answer pair: its answer is quoted as is
        meta.update(faq_id=chunk.faq_id, answer=chunk.answer, questions=list(chunk.questions))
    return meta


def _create_alias(collection: str, alias: str) -> models.CreateAliasOperation:
    return models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name=collection, alias_name=alias)
    )


def _doc_filter(doc_id: str) -> models.FilterSelector:
    return models.FilterSelector(
        filter=models.Filter(
            must=[
                models.FieldCondition(
                    key=f"{METADATA_KEY}.doc_id", match=models.MatchValue(value=doc_id)
                )
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
