"""Keeping the bot's index in step with the knowledge base when a process starts."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.content.service import ContentService
from rag.errors import StoreError
from rag.ingest import Ingestor
from rag.store import KnowledgeStore

log = logging.getLogger(__name__)


async def prepare_index(
    store: KnowledgeStore, content: ContentService, ingest_dir: Path | None
) -> None:
    """An index built with another embedding model is rebuilt aside from ``ingest_dir`` plus
    the content team's published documents, then switched in one step; an empty one is filled
    from ``ingest_dir``. Without ``ingest_dir`` a stale index is an error naming the fix."""
    if store.needs_rebuild:
        if ingest_dir is None:
            raise StoreError(
                f"the knowledge base {store.collection!r} was indexed with another "
                "embedding model: run `perimeter kb ingest DIR --rebuild`"
            )
        log.info("embedding model changed: rebuilding the index from %s", ingest_dir)
        published = await content.published()

        def fill(staging: KnowledgeStore) -> None:
            Ingestor(staging).ingest_dir(ingest_dir)
            content.reindex_published(staging, published)

        await asyncio.to_thread(store.rebuild, fill)
    elif ingest_dir is not None and await asyncio.to_thread(store.count) == 0:
        report = await asyncio.to_thread(Ingestor(store).ingest_dir, ingest_dir)
        log.info("indexed %d chunks from %s", report.chunks, ingest_dir)
