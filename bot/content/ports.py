"""What the content workflow needs from storage; ``bot.storage`` implements each, in SQL and
in memory, and ``tests/contract`` runs both through one suite."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from bot.content.models import KbAction, KbDocument, KbVersion, PublishedVersion

Describe = Callable[[str, str, str], Awaitable[None]]


class ContentStore(Protocol):
    """Documents, every version's bytes, and who did what."""

    async def documents(self) -> list[KbDocument]:
        """Every document, by id."""

    async def document(self, doc_id: str) -> KbDocument | None: ...

    async def versions(self, doc_id: str) -> list[KbVersion]:
        """Newest first."""

    async def content(self, doc_id: str, version: int) -> tuple[KbVersion, bytes] | None: ...

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

    def publishing(
        self, doc_id: str, version: int, expected: int | None, actor: str, action: str
    ) -> AbstractAsyncContextManager[Describe]:
        """Publish ``version`` if ``expected`` is still the published one.

        Raises ``PublishConflict`` when someone else published or is publishing it, KeyError
        for an unknown document or version. The document is claimed on entry; the caller
        writes the index inside the block (outside any transaction); leaving the block
        normally publishes, an exception releases the claim and changes nothing. The yielded
        function records the document's title, kind and language.
        """

    async def mark_deleted(self, doc_id: str, actor: str) -> None:
        """KeyError for an unknown document."""

    async def actions(self, limit: int = 100) -> list[KbAction]:
        """Newest first."""

    async def published(self) -> list[PublishedVersion]:
        """Every published, undeleted document's current version (index rebuilds)."""


class UnansweredQuestions(Protocol):
    async def unanswered(self, since: datetime, reasons: Sequence[str]) -> list[tuple[str, str]]:
        """(question, reason) of the handoffs since ``since`` for ``reasons``: what the
        customer wrote just before the bot gave up."""
