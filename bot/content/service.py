"""The content workflow: upload or edit a draft, preview it, publish, roll back, delete.

Documents and every version live in the database; the bot answers from the published ones,
indexed in the knowledge store. Publishing re-indexes only that document; a failed publish
(a broken file, the vector store down, someone else publishing at once) leaves the
published index as it was.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from bot.content.models import KbAction, KbDocument, KbVersion, PublishConflict, PublishedVersion
from bot.content.ports import ContentStore
from bot.content.screening import DraftScreen
from bot.http.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge, Unavailable
from rag.chunking import Chunk, Chunker
from rag.documents import MAX_BINARY_FILE_BYTES, SourceDocument, load_document, supported_suffix
from rag.errors import DocumentError, RagError
from rag.modes import RetrievalMode
from rag.store import KnowledgeStore
from rag.vectors import cosine

log = logging.getLogger(__name__)
_EDITABLE = (".md", ".markdown", ".txt", ".faq.yaml", ".faq.yml", ".faq.csv")
_ADMIN = "admin:"  # the source of what the content team published, in the index
_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


class InvalidDocument(InvalidInput):
    code = "invalid_document"


class IndexUnavailable(Unavailable):
    code = "index_unavailable"


class SecondEditorRequired(Forbidden):
    code = "second_editor_required"


@dataclass(frozen=True, slots=True)
class PreviewAnswer:
    case_id: str
    question: str
    section: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Preview:
    chunks: list[Chunk]
    answers: list[PreviewAnswer]
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class Detail:
    document: KbDocument
    versions: list[KbVersion]
    text: str | None
    editable: bool


def safe_filename(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip()
    cleaned = _SAFE_NAME.sub("_", base)[:200]
    if not cleaned or cleaned.startswith("."):
        raise InvalidDocument("the file needs a name with an extension, e.g. tariffs.pdf")
    return cleaned


def parse(filename: str, data: bytes) -> SourceDocument:
    """The document as the knowledge base will read it; InvalidDocument with the reason."""
    with tempfile.TemporaryDirectory(prefix="perimeter-upload-") as folder:
        path = Path(folder) / filename
        path.write_bytes(data)
        try:
            return load_document(path)
        except DocumentError as exc:
            raise InvalidDocument(exc.reason) from None


class ContentService:
    def __init__(
        self,
        store: ContentStore,
        knowledge: KnowledgeStore | None,
        embeddings: Embeddings,
        *,
        questions: list[tuple[str, str]] | None = None,
        min_score: float = 0.3,
        chunker: Chunker | None = None,
        screen: DraftScreen | None = None,
        two_person_publish: bool = False,
    ) -> None:
        self._screen = screen or DraftScreen()
        self._two_person = two_person_publish
        self._store = store
        self._knowledge = knowledge
        self._embeddings = embeddings
        self._questions = questions or []
        self._question_vectors: list[list[float]] | None = None
        self._min_score = min_score
        self._chunker = chunker or Chunker()

    # --- reading ---------------------------------------------------------------------------

    async def documents(self) -> list[KbDocument]:
        return await self._store.documents()

    async def published(self) -> list[PublishedVersion]:
        return await self._store.published()

    async def actions(self, limit: int = 100) -> list[KbAction]:
        return await self._store.actions(limit)

    async def detail(self, doc_id: str) -> Detail:
        document = await self._known(doc_id)
        versions = await self._store.versions(doc_id)
        newest = versions[0]
        editable = newest.filename.lower().endswith(_EDITABLE)
        text = None
        if editable:
            found = await self._store.content(doc_id, newest.version)
            assert found is not None
            text = found[1].decode("utf-8-sig", errors="replace")
        return Detail(document, versions, text, editable)

    async def parsed(self, doc_id: str, version: int) -> tuple[SourceDocument, list[Chunk]]:
        """A version read as the index would read it, and its chunks."""
        _, data, filename = await self._version(doc_id, version)
        document = await asyncio.to_thread(parse, filename, data)
        return document, self._chunker.split(document)

    @property
    def knowledge(self) -> KnowledgeStore | None:
        """The live index (None where this process has none)."""
        return self._knowledge

    @property
    def store(self) -> ContentStore:
        return self._store

    async def preview(self, doc_id: str, version: int) -> Preview:
        _, data, filename = await self._version(doc_id, version)
        document = await asyncio.to_thread(parse, filename, data)
        chunks = self._chunker.split(document)
        warnings: list[str] = []
        if not chunks:
            warnings.append("the document gives no chunks: nothing would be searchable")
        long = [c.index for c in chunks if len(c.text) > 1500]
        if long:
            warnings.append(
                f"chunks {long} are long (a table row or an FAQ answer over 1500 chars)"
            )
        answers = await asyncio.to_thread(self._answers, chunks)
        return Preview(chunks, answers, warnings)

    def _answers(self, chunks: list[Chunk]) -> list[PreviewAnswer]:
        """Test questions for which one of these chunks would be the best passage found."""
        if not chunks or not self._questions:
            return []
        if self._question_vectors is None:
            self._question_vectors = [self._embeddings.embed_query(q) for _, q in self._questions]
        vectors = self._embeddings.embed_documents([c.embedding_text for c in chunks])
        found: list[PreviewAnswer] = []
        for (case_id, question), qv in zip(self._questions, self._question_vectors, strict=True):
            score, best = max(
                (cosine(qv, v), chunk) for v, chunk in zip(vectors, chunks, strict=True)
            )
            if score < self._min_score:
                continue
            current = (
                self._knowledge.search(question, 1, RetrievalMode.DENSE) if self._knowledge else []
            )
            if current and current[0].doc_id != best.doc_id and current[0].score > score + 0.02:
                continue  # another document answers it better
            found.append(PreviewAnswer(case_id, question, best.section, round(score, 3)))
        return sorted(found, key=lambda a: -a.score)[:20]

    # --- writing -------------------------------------------------------------------------

    async def upload(self, actor: str, filename: str, data: bytes) -> tuple[KbDocument, KbVersion]:
        name = safe_filename(filename)
        if supported_suffix(Path(name)) is None:
            raise InvalidDocument(
                f"unsupported format {Path(name).suffix or name!r}: use .md .txt .html .pdf"
                " .docx .faq.yaml .faq.csv"
            )
        if len(data) > MAX_BINARY_FILE_BYTES:
            raise TooLarge(
                f"the file is {len(data) // (1024 * 1024)} MB; the limit is "
                f"{MAX_BINARY_FILE_BYTES // (1024 * 1024)} MB"
            )
        document = await asyncio.to_thread(parse, name, data)
        version = await self._store.add_version(
            doc_id=document.doc_id,
            title=document.title,
            kind=document.kind,
            lang=document.lang,
            filename=name,
            content=data,
            content_hash=document.content_hash,
            author=actor,
            action="upload",
        )
        log.info("kb draft doc=%s version=%s by=%s", document.doc_id, version.version, actor)
        current = await self._store.document(document.doc_id)
        assert current is not None
        return current, version

    async def save_draft(self, actor: str, doc_id: str, text: str) -> tuple[KbDocument, KbVersion]:
        detail = await self.detail(doc_id)
        if not detail.editable:
            raise InvalidDocument("this format is not edited as text: upload a new file instead")
        filename = detail.versions[0].filename
        data = text.encode("utf-8")
        document = await asyncio.to_thread(parse, filename, data)
        if document.doc_id != doc_id:
            raise InvalidDocument(
                f"the text now names the document {document.doc_id!r}; keep id: {doc_id}"
            )
        version = await self._store.add_version(
            doc_id=doc_id,
            title=document.title,
            kind=document.kind,
            lang=document.lang,
            filename=filename,
            content=data,
            content_hash=document.content_hash,
            author=actor,
            action="edit",
        )
        current = await self._store.document(doc_id)
        assert current is not None
        return current, version

    def _index(self) -> KnowledgeStore:
        if self._knowledge is None:
            raise IndexUnavailable("the knowledge base index is not open here")
        return self._knowledge

    async def publish(
        self,
        actor: str,
        doc_id: str,
        version: int,
        expected: int | None,
        *,
        action: str = "publish",
    ) -> KbDocument:
        index = self._index()
        draft, data, filename = await self._version(doc_id, version)
        document = await asyncio.to_thread(parse, filename, data)  # before the claim
        chunks = self._chunker.split(document)
        if action == "publish":  # a rollback brings back what was published once already
            await self._check_second_editor(actor, draft, "\n".join(c.text for c in chunks))
        try:
            async with self._store.publishing(doc_id, version, expected, actor, action) as describe:
                await asyncio.to_thread(
                    index.replace_document,
                    doc_id,
                    chunks,
                    content_hash=document.content_hash,
                    source=f"{_ADMIN}{filename}",
                    extra={"version": version},
                )
                await describe(document.title, document.kind, document.lang)
        except PublishConflict:
            raise Conflict(
                "someone else published or is publishing this document right now: reload it"
            ) from None
        except KeyError:
            raise NotFound(f"{doc_id} has no version {version}") from None
        except RagError as exc:
            raise IndexUnavailable(f"the knowledge base could not be updated: {exc}") from None
        log.info("kb %s doc=%s version=%s by=%s", action, doc_id, version, actor)
        published = await self._store.document(doc_id)
        assert published is not None
        return published

    async def _check_second_editor(self, actor: str, draft: KbVersion, text: str) -> None:
        """Maker-checker: a flagged draft (``screening``), or any with two-person publishing
        on, is published by an editor other than its author."""
        index = self._index()
        published = await asyncio.to_thread(index.texts, excluding=draft.doc_id)
        reasons = await asyncio.to_thread(self._screen.reasons, text, published)
        if reasons or self._two_person:
            log.info(
                "kb draft doc=%s version=%s needs a second editor", draft.doc_id, draft.version
            )
        if (reasons or self._two_person) and actor == draft.author:
            why = "; ".join(reasons) if reasons else "two-person publishing is on"
            raise SecondEditorRequired(
                f"another editor must publish this version ({why}); its author cannot"
            )

    async def rollback(
        self, actor: str, doc_id: str, version: int, expected: int | None
    ) -> KbDocument:
        """Publish an earlier version again (a rollback is recorded as such)."""
        return await self.publish(actor, doc_id, version, expected, action="rollback")

    async def delete(self, actor: str, doc_id: str) -> KbDocument:
        await self._known(doc_id)
        index = self._index()
        try:
            await asyncio.to_thread(index.delete_document, doc_id)
        except RagError as exc:
            raise IndexUnavailable(f"the knowledge base could not be updated: {exc}") from None
        await self._store.mark_deleted(doc_id, actor)
        log.info("kb delete doc=%s by=%s", doc_id, actor)
        document = await self._store.document(doc_id)
        assert document is not None
        return document

    async def sync_index(self) -> int:
        """Bring this process's own index in step with the published documents, which another
        replica may have published, rolled back or deleted (the content store is the source
        of truth); returns how many documents changed."""
        index = self._index()
        published = {found.doc_id: found for found in await self._store.published()}
        indexed = await asyncio.to_thread(index.indexed_documents)
        changed = 0
        for doc_id, found in published.items():
            have = indexed.get(doc_id)
            if (
                have is not None
                and have.source.startswith(_ADMIN)
                and have.version == found.version
            ):
                continue
            document = await asyncio.to_thread(parse, found.filename, found.content)
            await asyncio.to_thread(
                index.replace_document,
                doc_id,
                self._chunker.split(document),
                content_hash=document.content_hash,
                source=f"{_ADMIN}{found.filename}",
                extra={"version": found.version},
            )
            changed += 1
        for doc_id, have in indexed.items():
            if have.source.startswith(_ADMIN) and doc_id not in published:
                await asyncio.to_thread(index.delete_document, doc_id)
                changed += 1
        return changed

    async def last_change(self) -> tuple[object, ...] | None:
        """What the newest publish, rollback or delete was: it changes with every one."""
        newest = await self._store.actions(1)
        if not newest:
            return None
        action = newest[0]
        return (action.at, action.action, action.doc_id, action.version)

    def reindex_published(self, staging: KnowledgeStore, published: list[PublishedVersion]) -> int:
        """Write the published documents into a rebuild's new collection; returns chunks."""
        total = 0
        for found in published:
            document = parse(found.filename, found.content)
            chunks = self._chunker.split(document)
            staging.replace_document(
                found.doc_id,
                chunks,
                content_hash=document.content_hash,
                source=f"{_ADMIN}{found.filename}",
                is_new=True,
                extra={"version": found.version},
            )
            total += len(chunks)
        return total

    # --- helpers ---------------------------------------------------------------------------

    async def _known(self, doc_id: str) -> KbDocument:
        document = await self._store.document(doc_id)
        if document is None:
            raise NotFound(f"no document {doc_id!r}")
        return document

    async def _version(self, doc_id: str, version: int) -> tuple[KbVersion, bytes, str]:
        await self._known(doc_id)
        found = await self._store.content(doc_id, version)
        if found is None:
            raise NotFound(f"{doc_id} has no version {version}")
        meta, data = found
        return meta, data, meta.filename
