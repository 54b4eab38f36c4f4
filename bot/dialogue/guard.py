"""The engine's guard step, before a message is stored: its size first, then its
conversation's rate on the channel it came from. (The lock that then serialises the
conversation is taken by the engine.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dialogue.errors import InvalidMessage, RateLimited
from bot.dialogue.models import Channel, Rate
from bot.dialogue.ports import RateLimiter

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WEBCHAT_RATE = Rate(20, 60.0)  # the defaults of PERIMETER_CHAT__RATE_*
TELEGRAM_RATE = Rate(5, 10.0)  # and of PERIMETER_TELEGRAM__FLOOD_*


@dataclass(frozen=True, slots=True)
class ChannelRates:
    """Messages one conversation may send per channel (None: unlimited). The evaluation
    channel is never limited."""

    webchat: Rate | None = WEBCHAT_RATE
    telegram: Rate | None = TELEGRAM_RATE

    def of(self, channel: Channel) -> Rate | None:
        if channel is Channel.WEBCHAT:
            return self.webchat
        if channel is Channel.TELEGRAM:
            return self.telegram
        return None


class Guard:
    def __init__(self, max_message_chars: int, rates: ChannelRates, limiter: RateLimiter) -> None:
        self._max_chars = max_message_chars
        self._rates = rates
        self._limiter = limiter

    def validate(self, text: str) -> str:
        """The message as it will be processed, or InvalidMessage with a reason code.

        The length is checked first, on the message as it came: nothing longer is looked at.
        Control characters (NUL and the like, never typed by a person) are dropped: databases
        reject some of them, and the rest of the message must still be stored.
        """
        if len(text) > self._max_chars:
            raise InvalidMessage("too_long", limit=self._max_chars)
        stripped = _CONTROL.sub("", text).strip()
        if not stripped:
            raise InvalidMessage("empty")
        return stripped

    async def admit(self, conversation_id: str, channel: Channel) -> None:
        """One more message of the conversation, or RateLimited."""
        rate = self._rates.of(channel)
        if rate is None:
            return
        wait = await self._limiter.hit(f"messages:{conversation_id}", rate)
        if wait > 0:
            notice = Rate(1, rate.window_s)  # the first refusal of a window is told once
            first = await self._limiter.hit(f"refusals:{conversation_id}", notice) == 0
            raise RateLimited(wait, first_refusal=first)
