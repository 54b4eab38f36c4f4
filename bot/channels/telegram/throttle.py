"""Staying inside Telegram's limits on what the bot sends.

A session middleware: at most about one message per second per chat and 25 per second overall
(token buckets), and a 429 answer is retried after its ``retry_after``. (What customers send
is limited by the engine's guard: its Telegram rate.)
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)


class TokenBucket:
    def __init__(self, rate_per_s: float, capacity: float) -> None:
        self._rate, self._capacity = rate_per_s, capacity
        self._tokens = capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()
        self.last_used = self._stamp

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    self.last_used = now
                    return
                await asyncio.sleep((1 - self._tokens) / self._rate)


class OutboundThrottle(BaseRequestMiddleware):
    def __init__(
        self, *, per_chat_per_s: float = 1.0, overall_per_s: float = 25.0, max_retries: int = 3
    ) -> None:
        self._per_chat_rate = per_chat_per_s
        self._overall = TokenBucket(overall_per_s, overall_per_s)
        self._chats: dict[int | str, TokenBucket] = {}
        self._max_retries = max_retries

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int | str):
            await self._chat(chat_id).acquire()
            await self._overall.acquire()
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

    def _chat(self, chat_id: int | str) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) > 10_000:  # forget chats idle for a minute
                cutoff = time.monotonic() - 60
                self._chats = {k: b for k, b in self._chats.items() if b.last_used > cutoff}
            bucket = self._chats[chat_id] = TokenBucket(self._per_chat_rate, 1)
        return bucket
