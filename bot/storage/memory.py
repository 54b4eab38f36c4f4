"""In-memory ConversationStore: the fake for unit tests, run through the same contract."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from itertools import count

from bot.dialogue.models import (
    AuditEntry,
    AuthMethod,
    Channel,
    Conversation,
    HandoffRequest,
    Lang,
    Role,
    Route,
    SourceRef,
    StoredMessage,
)
from bot.storage.store import new_conversation_id


class MemoryConversationStore:
    def __init__(self) -> None:
        self._conversations: dict[str, Conversation] = {}
        self._messages: dict[str, list[StoredMessage]] = {}
        self._handoffs: dict[str, list[HandoffRequest]] = {}
        self._ids = count(1)
        self._tokens: dict[str, datetime] = {}
        self.audit: list[AuditEntry] = []
        self.feedback: dict[str, int] = {}

    async def create_conversation(self, channel: Channel, lang: Lang | None = None) -> Conversation:
        conversation = Conversation(new_conversation_id(), channel, datetime.now(UTC), lang)
        self._conversations[conversation.id] = conversation
        self._messages[conversation.id] = []
        self._handoffs[conversation.id] = []
        return conversation

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        return self._conversations.get(conversation_id)

    async def add_message(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        *,
        route: Route | None = None,
        sources: Sequence[SourceRef] = (),
    ) -> StoredMessage:
        message = StoredMessage(
            str(next(self._ids)),
            conversation_id,
            role,
            text,
            datetime.now(UTC),
            route,
            tuple(sources),
        )
        self._messages[conversation_id].append(message)
        return message

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]:
        messages = self._messages.get(conversation_id, [])
        if limit is None:
            return list(messages)
        return list(messages[-limit:]) if limit > 0 else []

    async def add_handoff(self, request: HandoffRequest) -> str:
        self._handoffs[request.conversation_id].append(request)
        return str(next(self._ids))

    async def list_handoffs(self, conversation_id: str) -> list[HandoffRequest]:
        return list(self._handoffs.get(conversation_id, []))

    async def set_customer(
        self,
        conversation_id: str,
        customer_id: str | None,
        until: datetime | None,
        method: AuthMethod | None,
    ) -> None:
        current = self._conversations[conversation_id]
        self._conversations[conversation_id] = dataclasses.replace(
            current, customer_id=customer_id, authenticated_until=until
        )

    async def set_state(self, conversation_id: str, state: Mapping[str, str]) -> None:
        current = self._conversations[conversation_id]
        self._conversations[conversation_id] = dataclasses.replace(current, state=dict(state))

    async def add_audit(self, entry: AuditEntry) -> None:
        self.audit.append(dataclasses.replace(entry, at=entry.at or datetime.now(UTC)))

    async def claim_token(self, token_id: str, expires_at: datetime) -> bool:
        if token_id in self._tokens:
            return False
        self._tokens[token_id] = expires_at
        return True

    async def set_feedback(self, conversation_id: str, message_id: str, positive: bool) -> bool:
        found = any(
            m.id == message_id and m.role is Role.BOT
            for m in self._messages.get(conversation_id, [])
        )
        if found:
            self.feedback[message_id] = 1 if positive else -1
        return found
