"""The content workflow's ``ContentStore`` in SQL: documents, versions, who did what."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.content.models import (
    KbAction,
    KbDocument,
    KbVersion,
    PublishConflict,
    PublishedVersion,
    VersionStatus,
)
from bot.content.ports import Describe
from bot.storage.tables import KbActionRow, KbDocumentRow, KbVersionRow

_CLAIM_TIMEOUT = timedelta(minutes=10)  # a publish that died half way frees the document


def _version(row: KbVersionRow) -> KbVersion:
    return KbVersion(
        doc_id=row.doc_id,
        version=row.version,
        filename=row.filename,
        status=VersionStatus(row.status),
        size=len(row.content),
        content_hash=row.content_hash,
        author=row.author,
        created_at=row.created_at,
        published_at=row.published_at,
        published_by=row.published_by,
    )


class SqlContentStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def _document(self, session: AsyncSession, row: KbDocumentRow) -> KbDocument:
        latest = await session.scalar(
            select(func.max(KbVersionRow.version)).where(KbVersionRow.doc_id == row.doc_id)
        )
        draft = await session.scalar(
            select(func.max(KbVersionRow.version)).where(
                KbVersionRow.doc_id == row.doc_id,
                KbVersionRow.status == VersionStatus.DRAFT.value,
            )
        )
        return KbDocument(
            row.doc_id,
            row.title,
            row.kind,
            row.lang,
            row.published_version,
            int(latest or 0),
            int(draft) if draft else None,
            row.deleted,
            row.updated_at,
        )

    async def documents(self) -> list[KbDocument]:
        async with self._sessions() as session:
            rows = (
                await session.scalars(select(KbDocumentRow).order_by(KbDocumentRow.doc_id))
            ).all()
            return [await self._document(session, row) for row in rows]

    async def document(self, doc_id: str) -> KbDocument | None:
        async with self._sessions() as session:
            row = await session.get(KbDocumentRow, doc_id)
            return await self._document(session, row) if row is not None else None

    async def versions(self, doc_id: str) -> list[KbVersion]:
        query = (
            select(KbVersionRow)
            .where(KbVersionRow.doc_id == doc_id)
            .order_by(KbVersionRow.version.desc())
        )
        async with self._sessions() as session:
            return [_version(row) for row in (await session.scalars(query)).all()]

    async def content(self, doc_id: str, version: int) -> tuple[KbVersion, bytes] | None:
        query = select(KbVersionRow).where(
            KbVersionRow.doc_id == doc_id, KbVersionRow.version == version
        )
        async with self._sessions() as session:
            row = await session.scalar(query)
        return (_version(row), row.content) if row is not None else None

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
        """A new draft (the next version number) of a new or existing document."""
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            document = await session.get(KbDocumentRow, doc_id, with_for_update=True)
            if document is None:
                document = KbDocumentRow(
                    doc_id=doc_id, title=title, kind=kind, lang=lang, deleted=False, updated_at=now
                )
                session.add(document)
                await session.flush()
            latest = await session.scalar(
                select(func.max(KbVersionRow.version)).where(KbVersionRow.doc_id == doc_id)
            )
            row = KbVersionRow(
                doc_id=doc_id,
                version=int(latest or 0) + 1,
                filename=filename,
                content=content,
                content_hash=content_hash,
                status=VersionStatus.DRAFT.value,
                author=author,
                created_at=now,
            )
            session.add(row)
            document.updated_at = now
            session.add(_action(now, author, action, doc_id, row.version, filename))
        return _version(row)

    @asynccontextmanager
    async def publishing(
        self, doc_id: str, version: int, expected: int | None, actor: str, action: str
    ) -> AsyncIterator[Describe]:
        """The claim is one short transaction (two editors at once: one claim wins); the
        publish a second one after the caller's block; a claim older than ten minutes (a
        publish that died half way) no longer holds the document."""
        now = datetime.now(UTC)
        stale = now - _CLAIM_TIMEOUT
        published = (
            KbDocumentRow.published_version.is_(None)
            if expected is None
            else KbDocumentRow.published_version == expected
        )
        async with self._sessions.begin() as session:
            if await session.get(KbDocumentRow, doc_id) is None:
                raise KeyError(doc_id)
            exists = await session.scalar(
                select(KbVersionRow.id).where(
                    KbVersionRow.doc_id == doc_id, KbVersionRow.version == version
                )
            )
            if exists is None:
                raise KeyError(f"{doc_id} v{version}")
            claimed = await session.execute(
                update(KbDocumentRow)
                .where(
                    KbDocumentRow.doc_id == doc_id,
                    published,
                    or_(
                        KbDocumentRow.publishing_by.is_(None),
                        KbDocumentRow.publishing_since < stale,
                    ),
                )
                .values(publishing_by=actor, publishing_since=now)
            )
            if not getattr(claimed, "rowcount", 0):
                raise PublishConflict(doc_id)
        described: dict[str, str] = {}

        async def describe(title: str, kind: str, lang: str) -> None:
            described.update(title=title, kind=kind, lang=lang)

        try:
            yield describe
        except BaseException:
            async with self._sessions.begin() as session:
                await session.execute(
                    update(KbDocumentRow)
                    .where(KbDocumentRow.doc_id == doc_id, KbDocumentRow.publishing_by == actor)
                    .values(publishing_by=None, publishing_since=None)
                )
            raise
        async with self._sessions.begin() as session:
            document = await session.get(KbDocumentRow, doc_id)
            assert document is not None
            rows = (
                await session.scalars(select(KbVersionRow).where(KbVersionRow.doc_id == doc_id))
            ).all()
            for row in rows:
                if row.version == version:
                    row.status = VersionStatus.PUBLISHED.value
                    row.published_at, row.published_by = now, actor
                elif row.status == VersionStatus.PUBLISHED.value:
                    row.status = VersionStatus.SUPERSEDED.value
            document.published_version, document.deleted, document.updated_at = version, False, now
            document.publishing_by, document.publishing_since = None, None
            if described:
                document.title = described["title"][:300]
                document.kind, document.lang = described["kind"], described["lang"]
            session.add(_action(now, actor, action, doc_id, version, None))

    async def mark_deleted(self, doc_id: str, actor: str) -> None:
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            document = await session.get(KbDocumentRow, doc_id, with_for_update=True)
            if document is None:
                raise KeyError(doc_id)
            for row in (
                await session.scalars(select(KbVersionRow).where(KbVersionRow.doc_id == doc_id))
            ).all():
                if row.status == VersionStatus.DRAFT.value:
                    row.status = VersionStatus.DISCARDED.value
                elif row.status == VersionStatus.PUBLISHED.value:
                    row.status = VersionStatus.SUPERSEDED.value
            document.deleted, document.published_version, document.updated_at = True, None, now
            session.add(_action(now, actor, "delete", doc_id, None, None))

    async def actions(self, limit: int = 100) -> list[KbAction]:
        query = select(KbActionRow).order_by(KbActionRow.id.desc()).limit(limit)
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [KbAction(r.at, r.actor, r.action, r.doc_id, r.version, r.detail) for r in rows]

    async def published(self) -> list[PublishedVersion]:
        query = (
            select(KbVersionRow)
            .join(KbDocumentRow, KbDocumentRow.doc_id == KbVersionRow.doc_id)
            .where(
                KbDocumentRow.deleted.is_(False),
                KbVersionRow.version == KbDocumentRow.published_version,
            )
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [PublishedVersion(r.doc_id, r.version, r.filename, r.content) for r in rows]


def _action(
    at: datetime, actor: str, action: str, doc_id: str, version: int | None, detail: str | None
) -> KbActionRow:
    return KbActionRow(
        at=at, actor=actor, action=action, doc_id=doc_id, version=version, detail=detail
    )
