"""Data-subject requests (152-FZ art. 14 and 21) and the retention purge.

- ``export``: everything kept about a customer — each conversation they were ever
  authenticated in, with its messages (as stored: redacted) and handoffs, and the audit of
  the calls made for them — as one JSON document.
- ``forget``: delete those conversations with everything hanging off them. The audit log of
  calls to the bank's core systems stays (the bank must keep records of operations); it
  carries ids and outcomes, never text.
- ``purge``: what the retention settings say is past its time.

Each request is itself audited (``privacy_export`` / ``privacy_forget``, the customer's id,
how many conversations); the purge logs its counts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.background import Background
from bot.dialogue.models import AuditEntry, Conversation, Handoff, StoredMessage
from bot.privacy.ports import PersonalRecords, Purged, Retention
from bot.privacy.sealing import FernetSealer

log = logging.getLogger(__name__)
EXPORT_AUDIT_LIMIT = 10_000


class CustomerHistory(Protocol):
    """What the conversation store gives the requests (``bot.storage``'s stores)."""

    async def get_conversation(self, conversation_id: str) -> Conversation | None: ...

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]: ...

    async def list_handoffs(self, conversation_id: str) -> list[Handoff]: ...

    async def list_audit(
        self,
        *,
        conversation_id: str | None = None,
        customer_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]: ...

    async def add_audit(self, entry: AuditEntry) -> None: ...

    async def sealed_texts(self, conversation_id: str) -> dict[str, str]: ...


@dataclass(frozen=True, slots=True)
class RetentionDays:
    conversations: float
    audit: float
    telegram_updates: float

    def at(self, now: datetime) -> Retention:
        return Retention(
            conversations_before=now - timedelta(days=self.conversations),
            audit_before=now - timedelta(days=self.audit),
            telegram_updates_before=now - timedelta(days=self.telegram_updates),
        )


class DataSubjectRequests:
    def __init__(
        self,
        records: PersonalRecords,
        history: CustomerHistory,
        retention: RetentionDays,
        clock: Callable[[], datetime] | None = None,
        opener: FernetSealer | None = None,
    ) -> None:
        self._opener = opener  # opens the texts kept as typed (privacy.raw_text_key)
        self._records = records
        self._history = history
        self.retention = retention
        self._clock = clock or (lambda: datetime.now(UTC))

    async def export(self, customer_id: str) -> dict[str, Any]:
        """Everything kept about ``customer_id``, as JSON-ready data."""
        started = time.perf_counter()
        conversations = []
        for conversation_id in await self._records.customer_conversations(customer_id):
            conversation = await self._history.get_conversation(conversation_id)
            if conversation is None:
                continue
            messages = await self._history.list_messages(conversation_id)
            handoffs = await self._history.list_handoffs(conversation_id)
            typed = {}
            if self._opener is not None:
                sealed = await self._history.sealed_texts(conversation_id)
                typed = {m: self._opener.open(s) for m, s in sealed.items()}
            conversations.append(_conversation(conversation, messages, handoffs, typed))
        audit = await self._history.list_audit(customer_id=customer_id, limit=EXPORT_AUDIT_LIMIT)
        await self._audit(started, customer_id, "privacy_export", len(conversations))
        return {
            "customer_id": customer_id,
            "exported_at": self._clock().isoformat(),
            "conversations": conversations,
            "core_banking_calls": [_call(entry) for entry in audit],
        }

    async def forget(self, customer_id: str) -> int:
        """Delete every conversation of ``customer_id``; how many there were."""
        started = time.perf_counter()
        ids = await self._records.customer_conversations(customer_id)
        deleted = await self._records.delete_conversations(ids)
        await self._audit(started, customer_id, "privacy_forget", deleted)
        log.info("privacy: forgot %d conversations of a customer", deleted)
        return deleted

    async def purge(self) -> Purged:
        """Delete what is past its retention time."""
        purged = await self._records.purge(self.retention.at(self._clock()))
        log.info(
            "privacy: retention purge conversations=%d audit=%d telegram_updates=%d web_tokens=%d",
            purged.conversations,
            purged.audit_entries,
            purged.telegram_updates,
            purged.web_tokens,
        )
        return purged

    async def _audit(self, started: float, customer_id: str, action: str, count: int) -> None:
        await self._history.add_audit(
            AuditEntry.since(started, "-", customer_id, action, f"{count}_conversations")
        )


class RetentionJob:
    """Runs the purge every ``interval_s`` while the service runs (first soon after start)."""

    def __init__(self, requests: DataSubjectRequests, interval_s: float) -> None:
        self._requests = requests
        self._interval_s = interval_s
        self._loop = Background()

    def start(self) -> None:
        self._loop.start(self._run())

    async def close(self) -> None:
        await self._loop.stop()

    async def _run(self) -> None:
        await asyncio.sleep(min(60.0, self._interval_s))
        while True:
            try:
                await self._requests.purge()
            except Exception:
                log.exception(
                    "privacy: retention purge failed; next try in %.0f s", self._interval_s
                )
            await asyncio.sleep(self._interval_s)


def _conversation(
    conversation: Conversation,
    messages: list[StoredMessage],
    handoffs: list[Handoff],
    typed: dict[str, str],
) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "channel": conversation.channel.value,
        "created_at": conversation.created_at.isoformat(),
        "messages": [
            {
                "role": m.role.value,
                "text": m.text,
                **({"text_as_typed": typed[m.id]} if m.id in typed else {}),
                "created_at": m.created_at.isoformat(),
                "author": m.author,
            }
            for m in messages
        ],
        "handoffs": [
            {
                "reason": h.reason.value,
                "status": h.status.value,
                "summary": h.summary,
                "created_at": h.created_at.isoformat(),
            }
            for h in handoffs
        ],
    }


def _call(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat() if entry.at else None,
        "conversation_id": entry.conversation_id,
        "action": entry.action,
        "outcome": entry.outcome,
    }
