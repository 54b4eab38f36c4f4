"""Ingestion: a folder of documents into the knowledge store, idempotently.

Unchanged files (same content hash) are skipped; changed files replace their chunks;
``prune`` deletes documents whose files are gone. A broken file is reported by name and
the rest are ingested.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rag.chunking import Chunker
from rag.documents import discover, load_document
from rag.errors import DocumentError
from rag.store import IndexedDocument, KnowledgeStore


class Progress(Protocol):
    """Receives one ``advance`` per file; the CLI plugs a progress bar in."""

    def advance(self, label: str) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int], Progress]


class _Silent:
    def advance(self, label: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds > 0 else 0.0


class Ingestor:
    def __init__(self, store: KnowledgeStore, chunker: Chunker | None = None) -> None:
        self._store = store
        self._chunker = chunker or Chunker()

    def ingest_dir(
        self,
        directory: Path,
        *,
        prune: bool = False,
        progress: ProgressFactory | None = None,
    ) -> IngestReport:
        if not directory.is_dir():
            raise DocumentError(directory, "not a directory")
        started = time.perf_counter()
        report = IngestReport()
        files = discover(directory)
        bar: Progress = progress(len(files)) if progress else _Silent()
        self._store.ensure_collection()
        indexed = self._store.indexed_documents()
        seen: dict[str, Path] = {}
        try:
            for path in files:
                self._ingest_file(path, directory, indexed, seen, report)
                bar.advance(path.name)
        finally:
            bar.close()
        if prune:
            for doc_id in sorted(set(indexed) - set(seen)):
                if indexed[doc_id].source.startswith("admin:"):
                    continue  # published by the content team through /admin, not from a folder
                if report.failed and indexed[doc_id].source in {f for f, _ in report.failed}:
                    continue  # a broken file is not a removed file: keep its last good version
                self._store.delete_document(doc_id)
                report.deleted.append(doc_id)
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_file(
        self,
        path: Path,
        root: Path,
        indexed: dict[str, IndexedDocument],
        seen: dict[str, Path],
        report: IngestReport,
    ) -> None:
        relative = str(path.relative_to(root))
        try:
            document = load_document(path)
            if document.doc_id in seen:
                raise DocumentError(
                    path, f"id {document.doc_id!r} is already used by {seen[document.doc_id].name}"
                )
            seen[document.doc_id] = path
            entry = indexed.get(document.doc_id)
            previous = entry.content_hash if entry else None
            if previous == document.content_hash:
                report.skipped.append(document.doc_id)
                return
            chunks = self._chunker.split(document)
            self._store.replace_document(
                document.doc_id,
                chunks,
                content_hash=document.content_hash,
                source=relative,
                is_new=entry is None,
            )
        except DocumentError as exc:
            report.failed.append((relative, exc.reason))
            return
        report.chunks += len(chunks)
        (report.updated if previous else report.added).append(document.doc_id)
