"""The content workflow's ``ContentStore`` in memory (the twin of ``SqlContentStore``)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.content.models import (
    KbAction,
    KbDocument,
    KbVersion,
    PublishConflict,
    PublishedVersion,
    VersionStatus,
)
from bot.content.ports import Describe


@dataclass
class _Document:
    doc_id: str
    title: str
    kind: str
    lang: str
    updated_at: datetime
    published_version: int | None = None
    deleted: bool = False
    publishing_by: str | None = None
    versions: list[tuple[KbVersion, bytes]] = field(default_factory=list)  # oldest first


class MemoryContentStore:
    def __init__(self) -> None:
        self._documents: dict[str, _Document] = {}
        self._actions: list[KbAction] = []

    def _view(self, d: _Document) -> KbDocument:
        drafts = [v.version for v, _ in d.versions if v.status is VersionStatus.DRAFT]
        return KbDocument(
            d.doc_id,
            d.title,
            d.kind,
            d.lang,
            d.published_version,
            d.versions[-1][0].version if d.versions else 0,
            max(drafts) if drafts else None,
            d.deleted,
            d.updated_at,
        )

    async def documents(self) -> list[KbDocument]:
        return [self._view(self._documents[k]) for k in sorted(self._documents)]

    async def document(self, doc_id: str) -> KbDocument | None:
        found = self._documents.get(doc_id)
        return self._view(found) if found is not None else None

    async def versions(self, doc_id: str) -> list[KbVersion]:
        found = self._documents.get(doc_id)
        return [v for v, _ in reversed(found.versions)] if found is not None else []

    async def content(self, doc_id: str, version: int) -> tuple[KbVersion, bytes] | None:
        found = self._documents.get(doc_id)
        if found is None:
            return None
        return next(((v, data) for v, data in found.versions if v.version == version), None)

    async def add_version(
        self,
        *,
        doc_id: str,
        title: str,
        kind: str,
        lang: str,
        filename: str,
        content: bytes,
        content_hash: str,
        author: str,
        action: str,
    ) -> KbVersion:
        now = datetime.now(UTC)
        document = self._documents.setdefault(doc_id, _Document(doc_id, title, kind, lang, now))
        number = (document.versions[-1][0].version if document.versions else 0) + 1
        version = KbVersion(
            doc_id,
            number,
            filename,
            VersionStatus.DRAFT,
            len(content),
            content_hash,
            author,
            now,
        )
        document.versions.append((version, content))
        document.updated_at = now
        self._actions.append(KbAction(now, author, action, doc_id, number, filename))
        return version

    @asynccontextmanager
    async def publishing(
        self, doc_id: str, version: int, expected: int | None, actor: str, action: str
    ) -> AsyncIterator[Describe]:
        document = self._documents.get(doc_id)
        if document is None:
            raise KeyError(doc_id)
        if not any(v.version == version for v, _ in document.versions):
            raise KeyError(f"{doc_id} v{version}")
        if document.published_version != expected or document.publishing_by is not None:
            raise PublishConflict(doc_id)
        document.publishing_by = actor
        described: dict[str, str] = {}

        async def describe(title: str, kind: str, lang: str) -> None:
            described.update(title=title, kind=kind, lang=lang)

        try:
            yield describe
        finally:
            document.publishing_by = None
        now = datetime.now(UTC)
        document.versions = [
            (self._published(v, version, now, actor), data) for v, data in document.versions
        ]
        document.published_version, document.deleted, document.updated_at = version, False, now
        if described:
            document.title = described["title"][:300]
            document.kind, document.lang = described["kind"], described["lang"]
        self._actions.append(KbAction(now, actor, action, doc_id, version, None))

    @staticmethod
    def _published(v: KbVersion, version: int, now: datetime, actor: str) -> KbVersion:
        if v.version == version:
            return dataclasses.replace(
                v, status=VersionStatus.PUBLISHED, published_at=now, published_by=actor
            )
        if v.status is VersionStatus.PUBLISHED:
            return dataclasses.replace(v, status=VersionStatus.SUPERSEDED)
        return v

    async def mark_deleted(self, doc_id: str, actor: str) -> None:
        document = self._documents.get(doc_id)
        if document is None:
            raise KeyError(doc_id)
        gone = {
            VersionStatus.DRAFT: VersionStatus.DISCARDED,
            VersionStatus.PUBLISHED: VersionStatus.SUPERSEDED,
        }
        document.versions = [
            (dataclasses.replace(v, status=gone.get(v.status, v.status)), data)
            for v, data in document.versions
        ]
        now = datetime.now(UTC)
        document.deleted, document.published_version, document.updated_at = True, None, now
        self._actions.append(KbAction(now, actor, "delete", doc_id, None, None))

    async def actions(self, limit: int = 100) -> list[KbAction]:
        return list(reversed(self._actions))[:limit]

    async def published(self) -> list[PublishedVersion]:
        found = []
        for d in self._documents.values():
            for v, data in d.versions:
                if not d.deleted and v.version == d.published_version:
                    found.append(PublishedVersion(d.doc_id, v.version, v.filename, data))
        return found
