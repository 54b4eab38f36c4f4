"""What the gateway needs from storage: its clients' keys and the audit of its calls.
``bot.storage`` implements both (SQL and in memory)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.gateway.models import ApiKey, CallRecord, KeyPolicy


class GatewayKeys(Protocol):
    async def add_key(self, name: str, key_hash: str, prefix: str, policy: KeyPolicy) -> ApiKey:
        """Store a new key; ``KeyNameTaken`` when an active key already has ``name``."""

    async def key_by_hash(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, revoked or not."""

    async def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""

    async def revoke_key(self, name: str) -> ApiKey | None:
        """Revoke the active key called ``name``; None when there is none."""


class GatewayCalls(Protocol):
    async def record_call(self, call: CallRecord) -> None:
        """Append one audit row."""

    async def tokens_since(self, key_name: str, since: datetime) -> int:
        """Prompt and completion tokens of ``key_name``'s calls since ``since``."""

    async def calls(self, since: datetime, limit: int = 1000) -> list[CallRecord]:
        """The calls since ``since``, oldest first, at most ``limit``."""


class KeyNameTaken(Exception):
    """An active key already has this name."""
