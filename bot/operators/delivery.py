"""Getting a message to a customer outside a bot turn: an operator's reply, a notice.

The message is always stored first; delivery is best effort on top (a customer who closed
the chat sees it in the transcript when they come back). Channels that push by themselves
(the web chat follows the operators' feed) register nothing here.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.dialogue.models import Button, StoredMessage

log = logging.getLogger(__name__)

ButtonRows = tuple[tuple[Button, ...], ...]


class CustomerChannel(Protocol):
    async def deliver(self, message: StoredMessage, buttons: ButtonRows = ()) -> bool:
        """True when the channel took the message (a socket was open, Telegram accepted it)."""


class ChannelDelivery:
    """Routes a message to the channel its conversation is in."""

    def __init__(self) -> None:
        self._channels: dict[str, CustomerChannel] = {}

    def register(self, channel: str, adapter: CustomerChannel) -> None:
        self._channels[channel] = adapter

    async def deliver(self, channel: str, message: StoredMessage, buttons: ButtonRows = ()) -> bool:
        adapter = self._channels.get(channel)
        if adapter is None:  # the web chat follows the feed itself (``ConversationHub``)
            return False
        try:
            return await adapter.deliver(message, buttons)
        except Exception:  # stored already; the customer sees it on return
            log.exception("delivery failed channel=%s message=%s", channel, message.id)
            return False
