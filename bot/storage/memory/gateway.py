"""The gateway's keys and the audit of its calls in memory (the twin of ``SqlGatewayStore``)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from itertools import count

from bot.gateway.models import ApiKey, CallRecord, KeyPolicy
from bot.gateway.ports import KeyNameTaken


class MemoryGatewayStore:
    def __init__(self) -> None:
        self._keys: dict[str, ApiKey] = {}  # by hash, oldest first
        self._calls: list[CallRecord] = []
        self._ids = count(1)

    async def add_key(self, name: str, key_hash: str, prefix: str, policy: KeyPolicy) -> ApiKey:
        if self._active(name) is not None:
            raise KeyNameTaken(name)
        key = ApiKey(str(next(self._ids)), name, prefix, policy, datetime.now(UTC))
        self._keys[key_hash] = key
        return key

    async def key_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._keys.get(key_hash)

    async def list_keys(self) -> list[ApiKey]:
        return list(self._keys.values())

    async def revoke_key(self, name: str) -> ApiKey | None:
        found = self._active(name)
        if found is None:
            return None
        key_hash, key = found
        revoked = dataclasses.replace(key, revoked_at=datetime.now(UTC))
        self._keys[key_hash] = revoked
        return revoked

    def _active(self, name: str) -> tuple[str, ApiKey] | None:
        return next(((h, k) for h, k in self._keys.items() if k.name == name and k.active), None)

    async def record_call(self, call: CallRecord) -> None:
        self._calls.append(
            dataclasses.replace(call, at=call.at or datetime.now(UTC), pii=dict(call.pii))
        )

    async def tokens_since(self, key_name: str, since: datetime) -> int:
        return sum(
            c.prompt_tokens + c.completion_tokens
            for c in self._since(since)
            if c.key_name == key_name
        )

    async def calls(self, since: datetime, limit: int = 1000) -> list[CallRecord]:
        return [dataclasses.replace(c, pii=dict(c.pii)) for c in self._since(since)[:limit]]

    def _since(self, since: datetime) -> list[CallRecord]:
        """The calls at or after ``since``, oldest first (in order of arrival at a tie)."""
        return sorted((c for c in self._calls if _at(c) >= since), key=_at)

    def purge_calls(self, before: datetime) -> int:
        """Calls older than ``before``; how many."""
        kept = [c for c in self._calls if _at(c) >= before]
        purged = len(self._calls) - len(kept)
        self._calls = kept
        return purged


def _at(call: CallRecord) -> datetime:
    assert call.at is not None, "a stored call has its moment"
    return call.at
