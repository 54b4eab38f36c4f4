"""Reply sinks that belong to no channel: one that drops what it is given, one that keeps it.

A channel's own sinks (a WebSocket that streams, a Telegram message that is edited) live with
the channel; these two serve callers that have no customer on the other end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dialogue.models import Reply


class DiscardingSink:
    """A ``ReplySink`` for callers that only need the returned Reply (evaluation, channels that
    send the whole reply at once)."""

    async def accepted(self, message_id: str) -> None:
        pass

    async def token(self, text: str) -> None:
        pass

    async def waiting(self, notice: str) -> None:
        pass

    async def reply(self, reply: Reply) -> None:
        pass


@dataclass
class RecordingSink:
    """A ``ReplySink`` that keeps everything it is given, in order: the accepted message ids,
    the streamed tokens, the queue notices and the final replies (tests, and any caller that
    inspects a turn)."""

    accepted_ids: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    async def accepted(self, message_id: str) -> None:
        self.accepted_ids.append(message_id)

    async def token(self, text: str) -> None:
        self.tokens.append(text)

    async def waiting(self, notice: str) -> None:
        self.notices.append(notice)

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)
