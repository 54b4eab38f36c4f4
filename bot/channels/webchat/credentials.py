"""The web chat's conversation secret: the credential its client proves on every call.

The conversation id names a conversation to staff, logs and the audit; the secret, created
with the conversation and returned once, is what lets a client read it and write to it.
Only its sha256 is stored, and it is compared in constant time. A conversation of another
channel (Telegram, an evaluation) has no secret, so no web client can open it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bot.dialogue.models import Channel, Conversation

SECRET_BYTES = 32  # 256 bits
MAX_SECRET_CHARS = 128  # anything longer is refused before it is hashed


def new_secret() -> tuple[str, str]:
    """A fresh secret for the client and its digest for the store."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def proves(conversation: Conversation, secret: str | None) -> bool:
    """Whether ``secret`` is this web conversation's."""
    if not secret or len(secret) > MAX_SECRET_CHARS or conversation.channel is not Channel.WEBCHAT:
        return False
    expected = conversation.secret_digest
    return expected is not None and hmac.compare_digest(expected, digest(secret))
