"""The web chat's conversation secret: only its own conversation's, compared as a digest."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.channels.webchat import credentials
from bot.dialogue.models import Channel, Conversation


def conversation(channel: Channel = Channel.WEBCHAT, digest: str | None = None) -> Conversation:
    return Conversation("c1", channel, datetime.now(UTC), secret_digest=digest)


def test_a_secret_opens_only_its_own_web_conversation() -> None:
    secret, digest = credentials.new_secret()
    assert len(secret) >= 43 and secret not in digest
    assert credentials.proves(conversation(digest=digest), secret)
    other, _ = credentials.new_secret()
    assert not credentials.proves(conversation(digest=digest), other)
    assert not credentials.proves(conversation(digest=digest), "")
    assert not credentials.proves(conversation(digest=digest), None)
    assert not credentials.proves(conversation(digest=digest), secret + "x" * 200)


def test_conversations_without_a_secret_open_to_no_web_client() -> None:
    """Telegram's and old web conversations have no digest: no string proves them."""
    secret, digest = credentials.new_secret()
    assert not credentials.proves(conversation(), secret)
    assert not credentials.proves(conversation(Channel.TELEGRAM, digest), secret)


def test_two_secrets_differ() -> None:
    assert len({credentials.new_secret()[0] for _ in range(100)}) == 100
