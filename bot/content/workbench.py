"""The editor's workbench around the content workflow: many files at once (or a zip), the
search of every document's text, a side-by-side diff of two versions, «ask as a customer»
against a draft, and the documents indexed from the command line (``perimeter kb ingest``),
which the editor sees and can take under the admin's management.
"""

from __future__ import annotations

import asyncio
import difflib
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.content.models import KbDocument
from bot.content.service import ContentService, IndexUnavailable, InvalidDocument
from bot.http.errors import ApiError, InvalidInput, NotFound, TooLarge
from bot.knowledge.trial import DraftTrial, TrialAnswer
from rag.documents import MAX_BINARY_FILE_BYTES, supported_suffix
from rag.store import IndexedDocument

log = logging.getLogger(__name__)

MAX_FILES = 200  # in one zip, or one batch
MAX_UNPACKED = 100 * 1024 * 1024  # what a zip may unpack to, in all
MAX_QUERY = 200
MAX_HITS = 50
SNIPPET = 160
_ADMIN = "admin:"


@dataclass(frozen=True, slots=True)
class Uploaded:
    """One file of a batch: its draft, or why it was refused (the others land regardless)."""

    filename: str
    doc_id: str | None = None
    version: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    doc_id: str
    title: str
    where: str  # "published" (what the bot answers from) or "draft"
    section: str | None
    snippet: str


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: str  # equal, insert, delete, replace
    left: str | None
    right: str | None
    left_line: int | None
    right_line: int | None


class Workbench:
    def __init__(self, content: ContentService, trial: DraftTrial | None, kb_dir: Path) -> None:
        self._content = content
        self._trial = trial
        self._kb_dir = kb_dir.resolve()

    # --- many files -----------------------------------------------------------------------

    async def upload_zip(self, actor: str, data: bytes) -> list[Uploaded]:
        files = await asyncio.to_thread(unpack, data)
        results = []
        for name, content in files:
            try:
                document, version = await self._content.upload(actor, name, content)
            except ApiError as exc:
                results.append(Uploaded(name, error=exc.message))
                continue
            results.append(Uploaded(name, document.doc_id, version.version))
        log.info(
            "kb zip by=%s files=%s drafts=%s",
            actor,
            len(results),
            sum(1 for r in results if r.error is None),
        )
        return results

    # --- search ---------------------------------------------------------------------------

    async def search(self, query: str) -> list[Hit]:
        """Documents whose text holds ``query`` (case-insensitive): what the bot answers from,
        whatever way it was indexed, and the drafts not yet published."""
        needle = query.strip().casefold()
        if not needle or len(needle) > MAX_QUERY:
            raise InvalidInput(f"search for 1 to {MAX_QUERY} characters", code="bad_query")
        hits: list[Hit] = []
        seen: set[tuple[str, str]] = set()
        knowledge = self._content.knowledge
        if knowledge is not None:
            for chunk in await asyncio.to_thread(knowledge.chunks):
                if needle in chunk.text.casefold() and (chunk.doc_id, "published") not in seen:
                    seen.add((chunk.doc_id, "published"))
                    hits.append(
                        Hit(
                            chunk.doc_id,
                            chunk.title,
                            "published",
                            chunk.section,
                            snippet(chunk.text, needle),
                        )
                    )
        for document in await self._content.documents():
            if document.draft_version is None or document.deleted:
                continue
            try:
                parsed, chunks = await self._content.parsed(document.doc_id, document.draft_version)
            except ApiError:
                continue
            found = next((c for c in chunks if needle in c.text.casefold()), None)
            if found is not None:
                hits.append(
                    Hit(
                        document.doc_id,
                        parsed.title,
                        "draft",
                        found.section,
                        snippet(found.text, needle),
                    )
                )
        hits.sort(key=lambda h: (h.doc_id, h.where))
        return hits[:MAX_HITS]

    # --- diff -----------------------------------------------------------------------------

    async def diff(self, doc_id: str, left: int, right: int) -> list[DiffRow]:
        """Line by line, as the index reads each version (a PDF's or a page's text too)."""
        (a, _), (b, _) = await asyncio.gather(
            self._content.parsed(doc_id, left), self._content.parsed(doc_id, right)
        )
        return diff_rows(a.text.splitlines(), b.text.splitlines())

    # --- ask as a customer ----------------------------------------------------------------

    async def ask(self, doc_id: str, version: int, question: str) -> TrialAnswer:
        question = question.strip()
        if not question or len(question) > 1000:
            raise InvalidInput("a question is 1 to 1000 characters", code="bad_question")
        if self._trial is None:
            raise IndexUnavailable("the knowledge base index is not open here")
        document, chunks = await self._content.parsed(doc_id, version)
        return await self._trial.ask(question, doc_id, chunks, document.lang)

    # --- documents indexed from the command line ------------------------------------------

    async def unmanaged(self) -> list[IndexedDocument]:
        """What the bot answers from that /admin does not manage (``perimeter kb ingest``)."""
        knowledge = self._content.knowledge
        if knowledge is None:
            return []
        managed = {d.doc_id for d in await self._content.documents() if not d.deleted}
        indexed = await asyncio.to_thread(knowledge.indexed_documents)
        return sorted(
            (d for d in indexed.values() if d.doc_id not in managed),
            key=lambda d: d.doc_id,
        )

    async def adopt(self, actor: str, doc_id: str) -> KbDocument:
        """Take a command-line document under the admin: its file, read again from the
        knowledge-base folder, becomes version 1, published (the same text, indexed again)."""
        found = {d.doc_id: d for d in await self.unmanaged()}.get(doc_id)
        if found is None:
            raise NotFound(f"no document {doc_id!r} indexed from the command line")
        path = self._source_file(found.source)
        if path is None:
            raise InvalidDocument(
                f"{found.source} is not in the knowledge-base folder any more: upload the file"
            )
        data = await asyncio.to_thread(path.read_bytes)
        document, version = await self._content.upload(actor, path.name, data)
        if document.doc_id != doc_id:
            raise InvalidDocument(f"{path.name} now names the document {document.doc_id!r}")
        log.info("kb adopt doc=%s by=%s", doc_id, actor)
        return await self._content.publish(actor, doc_id, version.version, None, action="adopt")

    def _source_file(self, source: str) -> Path | None:
        if source.startswith(_ADMIN):
            return None
        path = Path(source)  # as `kb ingest` records it: relative to the folder it indexed
        path = (path if path.is_absolute() else self._kb_dir / path).resolve()
        inside = path.is_relative_to(self._kb_dir)
        return path if inside and path.is_file() else None


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    """The supported files of a zip, by their own names; bounded before anything is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidDocument("not a zip archive") from None
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir() and not _hidden(e.filename)]
        if not entries:
            raise InvalidDocument("the zip holds no files")
        if len(entries) > MAX_FILES:
            raise InvalidDocument(f"the zip holds {len(entries)} files; at most {MAX_FILES}")
        if sum(e.file_size for e in entries) > MAX_UNPACKED:
            raise TooLarge(f"the zip unpacks to over {MAX_UNPACKED // (1024 * 1024)} MB")
        files = []
        for entry in entries:
            name = PurePosixPath(entry.filename).name  # never a path of the archive's choosing
            if entry.flag_bits & 0x1:
                raise InvalidDocument(f"{name} is encrypted")
            if supported_suffix(Path(name)) is None:
                files.append((name, b""))  # refused with its reason by the upload itself
                continue
            with archive.open(entry) as stream:
                files.append((name, stream.read(MAX_BINARY_FILE_BYTES + 1)))
        return files


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def snippet(text: str, needle: str) -> str:
    at = text.casefold().find(needle)
    start = max(0, at - SNIPPET // 3)
    piece = " ".join(text[start : start + SNIPPET].split())
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(text) else "")


def diff_rows(left: Sequence[str], right: Sequence[str]) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        width = max(i2 - i1, j2 - j1)
        for n in range(width):
            a = i1 + n if i1 + n < i2 else None
            b = j1 + n if j1 + n < j2 else None
            rows.append(
                DiffRow(
                    tag,
                    left[a] if a is not None else None,
                    right[b] if b is not None else None,
                    a + 1 if a is not None else None,
                    b + 1 if b is not None else None,
                )
            )
    return rows
