"""In-memory ConversationStore: the fake for unit tests, run through the same contract."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import count

from bot.dialogue.models import (
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
