"""Client systems' keys: made once, shown once, stored as a hash, revocable.

A key is 32 random bytes (``pk-`` and URL-safe base64): with that much entropy a plain
SHA-256 is as good as a slow hash and costs nothing per request. The first characters are
kept in the clear to tell keys apart in lists and audit rows.
"""

from __future__ import annotations

import hashlib
import secrets

from bot.gateway.models import ApiKey, KeyPolicy
from bot.gateway.ports import GatewayKeys

KEY_PREFIX = "pk-"
PREFIX_CHARS = 10
MAX_KEY_CHARS = 128  # what a presented key may be before it is refused unread


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyRing:
    """The keys of the gateway's clients."""

    def __init__(self, keys: GatewayKeys) -> None:
        self._keys = keys

    async def add(self, name: str, policy: KeyPolicy) -> tuple[ApiKey, str]:
        """A new key for ``name``: the record, and the key itself (shown this once)."""
        key = new_key()
        record = await self._keys.add_key(name, hash_key(key), key[:PREFIX_CHARS], policy)
        return record, key

    async def authenticate(self, presented: str) -> ApiKey | None:
        """The active key ``presented`` is, or None."""
        if not presented.startswith(KEY_PREFIX) or len(presented) > MAX_KEY_CHARS:
            return None
        # Looked up by its hash: what a timing attack could learn is a hash's prefix.
        found = await self._keys.key_by_hash(hash_key(presented))
        return found if found is not None and found.active else None

    async def list(self) -> list[ApiKey]:
        return await self._keys.list_keys()

    async def revoke(self, name: str) -> ApiKey | None:
        return await self._keys.revoke_key(name)
