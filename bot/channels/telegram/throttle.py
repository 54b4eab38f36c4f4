"""Staying inside Telegram's limits.

Outbound (a session middleware): at most about one message per second per chat and 25 per
second overall (token buckets), and a 429 answer is retried after its ``retry_after``.
Inbound (a message middleware): a customer who floods the chat gets one polite notice and the
rest of the burst is not answered message by message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Message, TelegramObject

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


class FloodGuard(BaseMiddleware):
    """More than ``limit`` messages from one chat within ``window_s``: one notice, the rest of
    the burst unanswered (the ledger still has every update)."""

    def __init__(
        self, notice: Callable[[Message], Awaitable[Any]], *, limit: int = 5, window_s: float = 10
    ) -> None:
        self._notice = notice
        self._limit, self._window = limit, window_s
        self._seen: dict[int, deque[float]] = {}
        self._noticed: dict[int, float] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message) or event.chat.type != "private":
            return await handler(event, data)  # a flood is a customer's; groups are staff
        chat, now = event.chat.id, time.monotonic()
        recent = self._seen.setdefault(chat, deque())
        while recent and now - recent[0] > self._window:
            recent.popleft()
        recent.append(now)
        if len(recent) <= self._limit:
            return await handler(event, data)
        if now - self._noticed.get(chat, -self._window) > self._window:
            self._noticed[chat] = now
            await self._notice(event)
        log.info("telegram chat flood: message not answered")
        return None
