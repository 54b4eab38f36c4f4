"""Customers' open web-chat sockets by conversation, and what reaches them between turns.

Operators' replies and the bot's notices (an operator joined, rate us, nobody is free) are
events in the operators' feed. The hub follows the feed and pushes each such message to the
conversation's open sockets, whichever process wrote it (the console here, the Telegram
operators' group in ``perimeter telegram``). A customer who is not connected sees them in
the transcript when they come back.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from bot.background import Background
from bot.channels.webchat.schemas import MessagePublic
from bot.channels.webchat.sinks import SocketSender
from bot.dialogue.models import HandoffEvent, HandoffEventKind, Role, StoredMessage
from bot.operators.feed import EventFeed, follow
from bot.operators.ports import EventLog, Transcripts

log = logging.getLogger(__name__)


def message_frame(message: StoredMessage) -> dict[str, object]:
    return {
        "type": "message",
        "message": MessagePublic.of(message).model_dump(mode="json"),
        "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
    }


class ConversationHub:
    def __init__(self, events: EventLog, messages: Transcripts, feed: EventFeed) -> None:
        self._events = events
        self._messages = messages
        self._feed = feed
        self._sockets: dict[str, set[SocketSender]] = defaultdict(set)
        self._follower = Background()

    def join(self, conversation_id: str, sender: SocketSender) -> None:
        self._sockets[conversation_id].add(sender)

    def leave(self, conversation_id: str, sender: SocketSender) -> None:
        senders = self._sockets.get(conversation_id)
        if senders is not None:
            senders.discard(sender)
            if not senders:
                del self._sockets[conversation_id]

    async def start(self) -> None:
        if not self._follower.running:
            cursor = await self._events.last_event_id()
            self._follower.start(follow(self._events, self._feed, cursor, self._event, "web chat"))

    async def close(self) -> None:
        await self._follower.stop()

    async def _event(self, event: HandoffEvent) -> None:
        if (
            event.kind is HandoffEventKind.MESSAGE
            and event.message_id
            and event.conversation_id in self._sockets
        ):
            await self._push(event.message_id)

    async def _push(self, message_id: str) -> None:
        message = await self._messages.get_message(message_id)
        if message is None or message.role is Role.CUSTOMER:
            return  # the customer's own words are already on their screen
        frame = message_frame(message)
        for sender in list(self._sockets.get(message.conversation_id, ())):
            await sender.send(frame)
