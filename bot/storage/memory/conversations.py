"""The dialogue's ``ConversationStore`` in memory (the twin of ``SqlConversationStore``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime

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
from bot.storage.conversations import new_conversation_id
from bot.storage.memory.database import MemoryDatabase


class MemoryConversationStore:
    def __init__(self, db: MemoryDatabase | None = None) -> None:
        self.db = db or MemoryDatabase()
        self._tokens: dict[str, datetime] = {}

    @property
    def events(self) -> list[HandoffEvent]:
        return self.db.events

    @property
    def audit(self) -> list[AuditEntry]:
        return self.db.audit

    # --- conversations and messages -----------------------------------------------------

    async def create_conversation(
        self, channel: Channel, lang: Lang | None = None, *, secret_digest: str | None = None
    ) -> Conversation:
        conversation = Conversation(
            new_conversation_id(), channel, datetime.now(UTC), lang, secret_digest=secret_digest
        )
        self.db.conversations[conversation.id] = conversation
        return conversation

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        return self.db.conversations.get(conversation_id)

    async def add_message(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        *,
        route: Route | None = None,
        sources: Sequence[SourceRef] = (),
        author: str | None = None,
        answered_by: str | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            self.db.next_id(),
            conversation_id,
            role,
            text,
            datetime.now(UTC),
            route,
            tuple(sources),
            author,
            answered_by=answered_by,
        )
        return self.db.add_message(message)

    async def get_message(self, message_id: str) -> StoredMessage | None:
        return self.db.messages.get(message_id)

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]:
        messages = self.db.messages_of(conversation_id)
        if limit is None:
            return messages
        return messages[-limit:] if limit > 0 else []

    async def set_customer(
        self,
        conversation_id: str,
        customer_id: str | None,
        until: datetime | None,
        method: AuthMethod | None,
    ) -> None:
        current = self.db.conversations[conversation_id]
        if customer_id is not None:
            self.db.customers.setdefault(conversation_id, set()).add(customer_id)
        self.db.conversations[conversation_id] = dataclasses.replace(
            current,
            customer_id=customer_id,
            authenticated_until=until,
            authenticated_at=datetime.now(UTC) if customer_id else None,
        )

    async def set_state(self, conversation_id: str, state: DialogueState) -> None:
        """Through JSON, as the SQL store keeps it: what cannot be stored fails here too."""
        stored = DialogueState.from_json(json.loads(json.dumps(state.to_json())))
        current = self.db.conversations[conversation_id]
        self.db.conversations[conversation_id] = dataclasses.replace(current, state=stored)

    async def seal_message(self, message_id: str, sealed: str) -> None:
        if message_id in self.db.messages:
            self.db.sealed[message_id] = sealed

    async def sealed_texts(self, conversation_id: str) -> dict[str, str]:
        return {
            m: sealed
            for m, sealed in self.db.sealed.items()
            if self.db.messages[m].conversation_id == conversation_id
        }

    async def set_feedback(self, conversation_id: str, message_id: str, positive: bool) -> bool:
        message = self.db.messages.get(message_id)
        found = (
            message is not None
            and message.conversation_id == conversation_id
            and message.role is Role.BOT
        )
        if found:
            assert message is not None
            self.db.messages[message_id] = dataclasses.replace(message, feedback=positive)
        return found

    # --- audit and one-time tokens ------------------------------------------------------

    async def add_audit(self, entry: AuditEntry) -> None:
        self.db.audit.append(dataclasses.replace(entry, at=entry.at or datetime.now(UTC)))

    async def list_audit(
        self,
        *,
        conversation_id: str | None = None,
        customer_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self.db.audit
            if (conversation_id is None or e.conversation_id == conversation_id)
            and (customer_id is None or e.customer_id == customer_id)
            and (since is None or (e.at is not None and e.at >= since))
        ]
        return found[-limit:]

    async def claim_token(self, token_id: str, expires_at: datetime) -> bool:
        now = datetime.now(UTC)
        self._tokens = {k: v for k, v in self._tokens.items() if v >= now}
        if token_id in self._tokens:
            return False
        self._tokens[token_id] = expires_at
        return True

    # --- the dialogue's handoff log -----------------------------------------------------

    async def add_handoff(self, request: HandoffRequest) -> Handoff:
        now = datetime.now(UTC)
        handoff = Handoff(
            id=self.db.next_id(),
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
        self.db.handoffs[handoff.id] = handoff
        self.db.add_event(HandoffEventKind.OPENED, handoff, "bot")
        return handoff

    async def current_handoff(self, conversation_id: str) -> Handoff | None:
        handoffs = await self.list_handoffs(conversation_id)
        return handoffs[-1] if handoffs else None

    async def list_handoffs(self, conversation_id: str) -> list[Handoff]:
        return [h for h in self.db.handoffs.values() if h.conversation_id == conversation_id]

    async def note_message(self, handoff: Handoff, message_id: str, actor: str) -> None:
        self.db.add_event(HandoffEventKind.MESSAGE, handoff, actor, message_id)

    async def reopen_handoff(self, handoff_id: str) -> Handoff | None:
        current = self.db.handoffs.get(handoff_id)
        if current is None:
            return None
        status = HandoffStatus.ACTIVE if current.operator else HandoffStatus.QUEUED
        return self.db.change_handoff(
            handoff_id,
            "customer",
            lambda h: h.status is HandoffStatus.RESOLVED,
            status=status,
            resolution=None,
            resolved_at=None,
        )

    async def set_summary(self, handoff_id: str, summary: str, source: SummarySource) -> None:
        self.db.change_handoff(handoff_id, "bot", summary=summary, summary_source=source)

    async def rate_handoff(self, handoff_id: str, score: int) -> bool:
        rated = self.db.change_handoff(
            handoff_id,
            "customer",
            lambda h: h.status is HandoffStatus.RESOLVED and h.csat is None,
            csat=score,
        )
        return rated is not None

    async def offer_callback(self, handoff_id: str) -> Handoff | None:
        return self.db.change_handoff(
            handoff_id,
            "system",
            lambda h: h.status is HandoffStatus.QUEUED and h.callback_offered_at is None,
            callback_offered_at=datetime.now(UTC),
        )

    async def close_with_callback(self, handoff_id: str, ticket_id: str) -> Handoff | None:
        return self.db.change_handoff(
            handoff_id,
            "customer",
            lambda h: h.status is HandoffStatus.QUEUED,
            status=HandoffStatus.RESOLVED,
            resolution=Resolution.CALLBACK,
            resolved_at=datetime.now(UTC),
            ticket_id=ticket_id,
        )
