"""The content workflow's ``ContentStore``: versions, one publish at a time, who did what."""

from __future__ import annotations

import pytest

from bot.content.models import PublishConflict, VersionStatus
from bot.content.ports import ContentStore
from bot.storage import Stores
from tests.contract.storage.backends import MemoryStores, PostgresStores, SqliteStores


async def draft(store: ContentStore, text: bytes, *, doc_id: str = "cells", by: str = "ira") -> int:
    version = await store.add_version(
        doc_id=doc_id,
        title="Банковские ячейки",
        kind="markdown",
        lang="ru",
        filename=f"{doc_id}.md",
        content=text,
        content_hash=f"hash-{len(text)}",
        author=by,
        action="upload",
    )
    return version.version


class ContentStoreContract:
    @pytest.fixture
    def store(self, stores: Stores) -> ContentStore:
        return stores.content

    async def test_drafts_are_numbered_versions_with_their_bytes(self, store: ContentStore) -> None:
        assert await store.document("cells") is None
        assert await draft(store, b"v1") == 1
        assert await draft(store, b"version 2") == 2
        document = await store.document("cells")
        assert document is not None
        assert (document.latest_version, document.draft_version) == (2, 2)
        assert document.published_version is None and not document.deleted
        versions = await store.versions("cells")
        assert [v.version for v in versions] == [2, 1], "newest first"
        assert all(v.status is VersionStatus.DRAFT for v in versions)
        found = await store.content("cells", 1)
        assert found is not None and found[1] == b"v1" and found[0].size == 2
        assert await store.content("cells", 9) is None
        assert [d.doc_id for d in await store.documents()] == ["cells"]

    async def test_publishing_makes_one_version_the_bots(self, store: ContentStore) -> None:
        await draft(store, b"v1")
        await draft(store, b"v2")
        async with store.publishing("cells", 1, None, "ira", "publish") as describe:
            await describe("Ячейки: тарифы", "markdown", "ru")
        document = await store.document("cells")
        assert document is not None and document.published_version == 1
        assert document.title == "Ячейки: тарифы" and document.draft_version == 2
        async with store.publishing("cells", 2, 1, "oleg", "publish"):
            pass
        statuses = {v.version: v.status for v in await store.versions("cells")}
        assert statuses == {2: VersionStatus.PUBLISHED, 1: VersionStatus.SUPERSEDED}
        newest = (await store.versions("cells"))[0]
        assert newest.published_by == "oleg" and newest.published_at is not None
        [published] = await store.published()
        assert (published.doc_id, published.version, published.content) == ("cells", 2, b"v2")

    async def test_a_stale_or_concurrent_publish_conflicts(self, store: ContentStore) -> None:
        await draft(store, b"v1")
        await draft(store, b"v2")
        async with store.publishing("cells", 1, None, "ira", "publish"):
            with pytest.raises(PublishConflict):
                async with store.publishing("cells", 2, None, "oleg", "publish"):
                    pass  # the document is claimed by ira right now
        with pytest.raises(PublishConflict):
            async with store.publishing("cells", 2, None, "oleg", "publish"):
                pass  # oleg still thinks nothing is published
        with pytest.raises(KeyError):
            async with store.publishing("cells", 7, 1, "oleg", "publish"):
                pass
        with pytest.raises(KeyError):
            async with store.publishing("nothing", 1, None, "oleg", "publish"):
                pass

    async def test_a_failed_publish_releases_the_claim_and_changes_nothing(
        self, store: ContentStore
    ) -> None:
        await draft(store, b"v1")
        with pytest.raises(RuntimeError):
            async with store.publishing("cells", 1, None, "ira", "publish"):
                raise RuntimeError("the index could not be written")
        document = await store.document("cells")
        assert document is not None and document.published_version is None
        async with store.publishing("cells", 1, None, "ira", "publish"):
            pass  # claimable again
        assert (await store.document("cells")).published_version == 1  # type: ignore[union-attr]

    async def test_delete_keeps_the_versions_and_records_who_did_what(
        self, store: ContentStore
    ) -> None:
        await draft(store, b"v1")
        async with store.publishing("cells", 1, None, "ira", "publish"):
            pass
        await draft(store, b"v2")
        await store.mark_deleted("cells", "oleg")
        document = await store.document("cells")
        assert document is not None and document.deleted and document.published_version is None
        statuses = {v.version: v.status for v in await store.versions("cells")}
        assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.DISCARDED}
        assert await store.published() == []
        with pytest.raises(KeyError):
            await store.mark_deleted("nothing", "oleg")
        actions = await store.actions()
        assert [(a.actor, a.action, a.version) for a in actions] == [
            ("oleg", "delete", None),
            ("ira", "upload", 2),
            ("ira", "publish", 1),
            ("ira", "upload", 1),
        ]
        assert len(await store.actions(limit=2)) == 2


class TestMemory(MemoryStores, ContentStoreContract):
    pass


class TestSqlite(SqliteStores, ContentStoreContract):
    pass


class TestPostgres(PostgresStores, ContentStoreContract):
    pass
