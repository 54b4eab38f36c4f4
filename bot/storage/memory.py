"""In-memory ConversationStore: the fake for unit tests, run through the same contract."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import count

from bot.dialogue.models import (
    AuditEntry,
    AuthMethod,
    Channel,
    Conversation,
    Handoff,
    HandoffEvent,
    HandoffEventKind,
    HandoffRequest,
    HandoffStatus,
    Lang,
    Resolution,
    Role,
    Route,
    SourceRef,
    StoredMessage,
    SummarySource,
)
from bot.dialogue.state import DialogueState
from bot.storage.store import new_conversation_id


class MemoryConversationStore:
    def __init__(self) -> None:
        self._conversations: dict[str, Conversation] = {}
        self._messages: dict[str, list[StoredMessage]] = {}
        self._handoffs: dict[str, list[Handoff]] = {}
        self.events: list[HandoffEvent] = []
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
        author: str | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            str(next(self._ids)),
            conversation_id,
            role,
            text,
            datetime.now(UTC),
            route,
            tuple(sources),
            author,
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

    def _event(
        self, kind: HandoffEventKind, handoff: Handoff, message_id: str | None = None
    ) -> None:
        self.events.append(
            HandoffEvent(
                len(self.events) + 1, kind, handoff.id, handoff.conversation_id, message_id
            )
        )

    async def add_handoff(self, request: HandoffRequest) -> Handoff:
        now = datetime.now(UTC)
        handoff = Handoff(
            id=str(next(self._ids)),
            conversation_id=request.conversation_id,
            reason=request.reason,
            priority=request.priority,
            status=HandoffStatus.QUEUED,
            summary=request.summary,
            summary_source=SummarySource.EXTRACTIVE,
            created_at=now,
            trigger_message_id=request.trigger_message_id,
            passages=request.passages,
            callback_offered_at=now if request.callback_offered else None,
        )
        self._handoffs[request.conversation_id].append(handoff)
        self._event(HandoffEventKind.OPENED, handoff)
        return handoff

    async def current_handoff(self, conversation_id: str) -> Handoff | None:
        handoffs = self._handoffs.get(conversation_id, [])
        return handoffs[-1] if handoffs else None

    async def list_handoffs(self, conversation_id: str) -> list[Handoff]:
        return list(self._handoffs.get(conversation_id, []))

    async def note_message(self, handoff: Handoff, message_id: str, actor: str) -> None:
        self._event(HandoffEventKind.MESSAGE, handoff, message_id)

    def _find(self, handoff_id: str) -> tuple[list[Handoff], int]:
        for handoffs in self._handoffs.values():
            for index, handoff in enumerate(handoffs):
                if handoff.id == handoff_id:
                    return handoffs, index
        raise KeyError(handoff_id)

    def update(self, handoff_id: str, **values: object) -> Handoff:
        """Change a handoff as an operator would (tests drive the lifecycle with this)."""
        handoffs, index = self._find(handoff_id)
        handoffs[index] = dataclasses.replace(handoffs[index], **values)  # type: ignore[arg-type]
        self._event(HandoffEventKind.UPDATED, handoffs[index])
        return handoffs[index]

    def _get(self, handoff_id: str) -> Handoff:
        handoffs, index = self._find(handoff_id)
        return handoffs[index]

    async def reopen_handoff(self, handoff_id: str) -> Handoff | None:
        handoff = self._get(handoff_id)
        if handoff.status is not HandoffStatus.RESOLVED:
            return None
        status = HandoffStatus.ACTIVE if handoff.operator else HandoffStatus.QUEUED
        return self.update(handoff_id, status=status, resolution=None, resolved_at=None)

    async def set_summary(self, handoff_id: str, summary: str, source: SummarySource) -> None:
        self.update(handoff_id, summary=summary, summary_source=source)

    async def rate_handoff(self, handoff_id: str, score: int) -> bool:
        handoff = self._get(handoff_id)
        if handoff.status is not HandoffStatus.RESOLVED or handoff.csat is not None:
            return False
        self.update(handoff_id, csat=score)
        return True

    async def offer_callback(self, handoff_id: str) -> Handoff | None:
        handoff = self._get(handoff_id)
        if handoff.status is not HandoffStatus.QUEUED or handoff.callback_offered_at:
            return None
        return self.update(handoff_id, callback_offered_at=datetime.now(UTC))

    async def close_with_callback(self, handoff_id: str, ticket_id: str) -> Handoff | None:
        if self._get(handoff_id).status is not HandoffStatus.QUEUED:
            return None
        return self.update(
            handoff_id,
            status=HandoffStatus.RESOLVED,
            resolution=Resolution.CALLBACK,
            resolved_at=datetime.now(UTC),
            ticket_id=ticket_id,
        )

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

    async def set_state(self, conversation_id: str, state: DialogueState) -> None:
        """Through JSON, as the SQL store keeps it: what cannot be stored fails here too."""
        stored = DialogueState.from_json(json.loads(json.dumps(state.to_json())))
        current = self._conversations[conversation_id]
        self._conversations[conversation_id] = dataclasses.replace(current, state=stored)

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
