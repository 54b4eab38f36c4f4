"""What the Telegram channel keeps in storage; ``bot.storage`` implements each, in SQL and in
memory, and ``tests/contract`` runs both through one suite."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from bot.dialogue.models import Handoff


class ChatLedger(Protocol):
    """Which conversation each chat is in, and every update stored before it is handled."""

    async def conversation_of(self, chat_id: int) -> str | None: ...

    async def chat_of(self, conversation_id: str) -> int | None:
        """The chat a conversation is in (the newest, if the chat was linked again)."""

    async def link(self, chat_id: int, conversation_id: str) -> None: ...

    async def claim_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Store the update before handling it; False when this ``update_id`` was seen."""

    async def record_reply(self, update_id: int, pieces: list[dict[str, Any]]) -> None:
        """The rendered reply, stored before it is sent (a restart resends, not re-asks)."""

    async def stored_reply(self, update_id: int) -> list[dict[str, Any]] | None: ...

    async def finish_update(self, update_id: int) -> None: ...

    async def unfinished_updates(self) -> list[dict[str, Any]]:
        """Updates stored but not finished (the process stopped mid-way), oldest first."""

    async def take_over_stale(self, claimed_before: datetime) -> list[dict[str, Any]]:
        """Unfinished updates claimed before ``claimed_before`` (their replica died or gave
        up), claimed anew by this caller: two replicas never take over the same one."""


class TopicMap(Protocol):
    """The operators' group: which forum topic mirrors which handoff."""

    async def set_topic(self, handoff_id: str, topic_id: int) -> None: ...

    async def topic_of(self, handoff_id: str) -> int | None: ...

    async def handoff_by_topic(self, topic_id: int) -> Handoff | None:
        """The newest handoff mirrored in this topic."""
