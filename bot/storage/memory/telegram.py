"""The Telegram channel's ``ChatLedger`` and ``TopicMap`` in memory (twins of the SQL ones)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from bot.dialogue.models import Handoff
from bot.storage.memory.database import MemoryDatabase


def _now() -> datetime:
    return datetime.now(UTC)


class MemoryChatLedger:
    def __init__(self) -> None:
        self._chats: dict[int, str] = {}
        self._updates: dict[int, dict[str, Any]] = {}  # update id → status, payload, reply

    async def conversation_of(self, chat_id: int) -> str | None:
        return self._chats.get(chat_id)

    async def chat_of(self, conversation_id: str) -> int | None:
        linked = [
            chat for chat, conversation in self._chats.items() if conversation == conversation_id
        ]
        return linked[-1] if linked else None

    def forget_conversations(self, conversation_ids: set[str]) -> None:
        self._chats = {c: v for c, v in self._chats.items() if v not in conversation_ids}

    def purge_updates(self, before: datetime) -> int:
        """Handled updates older than ``before``; how many."""
        old = [
            u
            for u, entry in self._updates.items()
            if entry["status"] == "done" and entry["done_at"] < before
        ]
        for update_id in old:
            del self._updates[update_id]
        return len(old)

    async def link(self, chat_id: int, conversation_id: str) -> None:
        self._chats.pop(chat_id, None)  # re-linked: the newest link last
        self._chats[chat_id] = conversation_id

    async def claim_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        if update_id in self._updates:
            return False
        self._updates[update_id] = {
            "status": "received",
            "payload": copy.deepcopy(payload),
            "claimed_at": _now(),
        }
        return True

    async def record_reply(self, update_id: int, pieces: list[dict[str, Any]]) -> None:
        if update_id in self._updates:
            self._updates[update_id].update(status="answered", reply=copy.deepcopy(pieces))

    async def stored_reply(self, update_id: int) -> list[dict[str, Any]] | None:
        reply = self._updates.get(update_id, {}).get("reply")
        return copy.deepcopy(reply) if reply is not None else None

    async def finish_update(self, update_id: int) -> None:
        if update_id in self._updates:
            self._updates[update_id] = {"status": "done", "payload": {}, "done_at": _now()}

    async def unfinished_updates(self) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(self._updates[u]["payload"])
            for u in sorted(self._updates)
            if self._updates[u]["status"] in ("received", "answered")
        ]

    async def take_over_stale(self, claimed_before: datetime) -> list[dict[str, Any]]:
        taken = []
        for update_id in sorted(self._updates):
            entry = self._updates[update_id]
            if entry["status"] in ("received", "answered") and entry["claimed_at"] < claimed_before:
                entry["claimed_at"] = _now()
                taken.append(copy.deepcopy(entry["payload"]))
        return taken


class MemoryTopicMap:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db
        self._topics: dict[str, int] = {}

    async def set_topic(self, handoff_id: str, topic_id: int) -> None:
        if handoff_id in self._db.handoffs:
            self._topics[handoff_id] = topic_id

    async def topic_of(self, handoff_id: str) -> int | None:
        return self._topics.get(handoff_id)

    async def handoff_by_topic(self, topic_id: int) -> Handoff | None:
        found = [h for h, t in self._topics.items() if t == topic_id]
        return self._db.handoffs.get(max(found, key=int)) if found else None
