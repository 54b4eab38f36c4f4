"""The operators' inbox in memory (the twin of ``SqlInbox``)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.dialogue.models import Handoff, Role
from bot.operators.models import CannedResponse, ConversationQuery, FoundConversation, Note
from bot.storage.inbox import snippet_of
from bot.storage.memory.database import MemoryDatabase


class MemoryInbox:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db
        self._canned: dict[str, CannedResponse] = {}
        self._notes: list[Note] = []

    async def list_canned(self) -> list[CannedResponse]:
        return sorted(self._canned.values(), key=lambda c: (c.shortcut, c.lang))

    async def save_canned(
        self, canned_id: str | None, shortcut: str, lang: str, title: str, text: str, by: str
    ) -> CannedResponse | None:
        if canned_id is not None and canned_id not in self._canned:
            return None
        taken = any(
            c.shortcut == shortcut and c.lang == lang and c.id != canned_id
            for c in self._canned.values()
        )
        if taken:
            return None
        saved = CannedResponse(
            canned_id or self._db.next_id(), shortcut, lang, title, text, by, datetime.now(UTC)
        )
        self._canned[saved.id] = saved
        return saved

    async def delete_canned(self, canned_id: str) -> bool:
        return self._canned.pop(canned_id, None) is not None

    async def add_note(self, handoff_id: str, author: str, author_name: str, text: str) -> Note:
        note = Note(self._db.next_id(), handoff_id, author, author_name, text, datetime.now(UTC))
        self._notes.append(note)
        return note

    async def notes(self, handoff_id: str) -> list[Note]:
        if handoff_id not in self._db.handoffs:  # erased with its handoff
            return []
        return [n for n in self._notes if n.handoff_id == handoff_id]

    async def search(self, query: ConversationQuery) -> list[FoundConversation]:
        found = []
        for conversation in self._db.conversations.values():
            handoffs = [
                h for h in self._db.handoffs.values() if h.conversation_id == conversation.id
            ]
            latest: Handoff | None = handoffs[-1] if handoffs else None
            messages = self._db.messages_of(conversation.id)
            needle = (query.text or "").lower()
            matching = [m for m in messages if needle and needle in m.text.lower()]
            if (
                (query.handed_off_only and latest is None)
                or (query.conversation_id and conversation.id != query.conversation_id)
                or (query.since and conversation.created_at < query.since)
                or (query.until and conversation.created_at >= query.until)
                or (query.reason and all(h.reason.value != query.reason for h in handoffs))
                or (needle and not matching)
            ):
                continue
            customer = [m for m in messages if m.role is Role.CUSTOMER]
            first = matching[0] if matching else (customer[0] if customer else None)
            found.append(
                FoundConversation(
                    conversation.id,
                    conversation.channel.value,
                    conversation.created_at,
                    latest.id if latest else None,
                    latest.reason.value if latest else None,
                    latest.status.value if latest else None,
                    latest.operator if latest else None,
                    snippet_of(first.text if first else "", query.text),
                )
            )
        found.sort(key=lambda f: f.started_at, reverse=True)
        return found[: query.limit]
