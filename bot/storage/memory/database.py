"""What the in-memory stores share: conversations, messages, handoffs and their feed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any

from bot.dialogue.models import (
    AuditEntry,
    Conversation,
    Handoff,
    HandoffEvent,
    HandoffEventKind,
    StoredMessage,
)


@dataclass
class MemoryDatabase:
    conversations: dict[str, Conversation] = field(default_factory=dict)
    messages: dict[str, StoredMessage] = field(default_factory=dict)  # by id, in order
    handoffs: dict[str, Handoff] = field(default_factory=dict)  # by id, in order
    events: list[HandoffEvent] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    # conversation id → every customer ever authenticated in it
    customers: dict[str, set[str]] = field(default_factory=dict)
    sealed: dict[str, str] = field(default_factory=dict)  # message id → its text, sealed
    _ids: count[int] = field(default_factory=lambda: count(1))

    def next_id(self) -> str:
        """Message and handoff ids: digits, increasing, like the SQL ones."""
        return str(next(self._ids))

    def messages_of(self, conversation_id: str) -> list[StoredMessage]:
        return [m for m in self.messages.values() if m.conversation_id == conversation_id]

    def add_message(self, message: StoredMessage) -> StoredMessage:
        self.messages[message.id] = message
        return message

    def add_event(
        self,
        kind: HandoffEventKind,
        handoff: Handoff,
        actor: str,
        message_id: str | None = None,
    ) -> None:
        self.events.append(
            HandoffEvent(
                len(self.events) + 1,
                kind,
                handoff.id,
                handoff.conversation_id,
                message_id,
                datetime.now(UTC),
                actor,
            )
        )

    def change_handoff(
        self,
        handoff_id: str,
        actor: str,
        condition: Callable[[Handoff], bool] = lambda _: True,
        **values: Any,
    ) -> Handoff | None:
        """Compare-and-set, like the SQL stores: None when there is no such handoff or the
        condition fails; otherwise the changed handoff, with its feed event."""
        current = self.handoffs.get(handoff_id)
        if current is None or not condition(current):
            return None
        changed = dataclasses.replace(current, **values)
        self.handoffs[handoff_id] = changed
        self.add_event(HandoffEventKind.UPDATED, changed, actor)
        return changed
