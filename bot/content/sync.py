"""A replica's own index following the content store, when every replica keeps one.

With a Qdrant server the replicas share one index and a publish writes it once. With an
index per replica (Qdrant's local mode: the embedded default, or a test of several replicas)
each replica's index must follow what another replica published: every ``interval_s`` this
reads the newest content action, a cheap query, and when it changed brings the index in step
(``ContentService.sync_index``). The first pass at start catches up on whatever was published
while the replica was down.
"""

from __future__ import annotations

import asyncio
import logging

from bot.background import Background
from bot.content.service import ContentService

log = logging.getLogger(__name__)


class IndexFollower:
    def __init__(self, content: ContentService, interval_s: float = 5.0) -> None:
        self._content = content
        self._interval_s = interval_s
        self._loop = Background()

    async def start(self) -> None:
        self._loop.start(self._run())

    async def close(self) -> None:
        await self._loop.stop()

    async def _run(self) -> None:
        seen: object = object()  # nothing yet: the first pass always syncs
        while True:
            try:
                change = await self._content.last_change()
                if change != seen:
                    changed = await self._content.sync_index()
                    if changed:
                        log.info("index: %d published document(s) brought in step", changed)
                    seen = change
            except Exception:
                log.exception("index: following the published documents failed")
            await asyncio.sleep(self._interval_s)
