"""Staying inside Telegram's limits on what the bot sends.

A session middleware: at most about one message per second per chat and 25 per second
overall, and a 429 answer is retried after its ``retry_after``. The budget is counted by a
``RateLimiter``: in memory for one process, in Redis when several processes send for the
same bot (the replicas' webhooks and operator replies, ``perimeter telegram``), so together
they stay inside Telegram's limits. (What customers send is limited by the engine's guard.)
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.dialogue.models import Rate
from bot.dialogue.ports import RateLimiter
from bot.dialogue.rate_limits import MemoryRateLimiter

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)


def per_second(rate_per_s: float) -> Rate:
    """``rate_per_s`` as a window: 25/s is 25 per 1 s, 0.5/s is 1 per 2 s."""
    if rate_per_s >= 1:
        return Rate(round(rate_per_s), 1.0)
    return Rate(1, 1 / rate_per_s)


class OutboundThrottle(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        per_chat_per_s: float = 1.0,
        overall_per_s: float = 25.0,
        max_retries: int = 3,
        limiter: RateLimiter | None = None,
        budget: str = "telegram",
    ) -> None:
        self._per_chat = per_second(per_chat_per_s)
        self._overall = per_second(overall_per_s)
        self._limiter = limiter or MemoryRateLimiter()
        self._budget = budget  # the bot's key: several bots keep their own budgets
        self._max_retries = max_retries

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int | str):
            await self._take(f"{self._budget}:chat:{chat_id}", self._per_chat)
            await self._take(f"{self._budget}:all", self._overall)
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                attempt += 1
                if attempt > self._max_retries:
                    raise
                log.warning(
                    "telegram %s: 429, retrying after %s s", type(method).__name__, exc.retry_after
                )
                await asyncio.sleep(exc.retry_after)

    async def _take(self, key: str, rate: Rate) -> None:
        while (wait := await self._limiter.hit(key, rate)) > 0:  # noqa: ASYNC110 - a budget, not an event
            await asyncio.sleep(wait)
