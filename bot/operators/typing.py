"""Typing indicators both ways: «клиент печатает…» in the console, «оператор печатает…» in
the web chat.

A mark lasts ``ttl_s`` (the other side shows it while it lasts and asks again every couple of
seconds); nothing of what is typed is sent or kept. Marks live in this process
(``MemoryTyping``), or in Redis when several replicas serve (``bot.storage.redis.typing``).
``Throttled`` writes a given mark at most once a second, however fast a client sends them.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from bot.operators.ports import TypingStore, Who

TTL_S = 5.0
_EVERY_S = 1.0  # the least time between two writes of one mark from this process
_REMEMBERED = 10_000  # marks this process remembers


class MemoryTyping:
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self._ttl_s = ttl_s
        self._until: OrderedDict[tuple[str, Who], float] = OrderedDict()

    async def mark(self, conversation_id: str, who: Who) -> None:
        key = (conversation_id, who)
        self._until[key] = time.monotonic() + self._ttl_s
        self._until.move_to_end(key)
        while len(self._until) > _REMEMBERED:
            self._until.popitem(last=False)

    async def typing(self, conversation_id: str, who: Who) -> bool:
        return self._until.get((conversation_id, who), 0.0) > time.monotonic()


class Throttled:
    def __init__(self, inner: TypingStore) -> None:
        self._inner = inner
        self._written: OrderedDict[tuple[str, Who], float] = OrderedDict()

    async def mark(self, conversation_id: str, who: Who) -> None:
        key, now = (conversation_id, who), time.monotonic()
        if now - self._written.get(key, -_EVERY_S) < _EVERY_S:
            return
        self._written[key] = now
        self._written.move_to_end(key)
        while len(self._written) > _REMEMBERED:
            self._written.popitem(last=False)
        await self._inner.mark(conversation_id, who)

    async def typing(self, conversation_id: str, who: Who) -> bool:
        return await self._inner.typing(conversation_id, who)
