"""What ``bot.privacy`` needs from storage: the conversations a customer was ever in,
deleting conversations, and the retention purge. ``bot.storage`` implements it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Purged:
    """What one retention run deleted."""

    conversations: int = 0
    audit_entries: int = 0
    telegram_updates: int = 0
    web_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Retention:
    """Everything older than these moments goes."""

    conversations_before: datetime  # no message since, and no handoff still open
    audit_before: datetime
    telegram_updates_before: datetime  # handled updates (they keep only their id by then)


class PersonalRecords(Protocol):
    async def customer_conversations(self, customer_id: str) -> list[str]:
        """Ids of every conversation the customer was ever authenticated in, oldest first."""

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> int:
        """Delete the conversations with their messages, handoffs and chat links; returns
        how many there were. The audit log is kept (records a bank must keep)."""

    async def purge(self, retention: Retention) -> Purged:
        """Delete what ``retention`` says is past its time."""
