"""In-memory ``Presence``: the consoles open in this process (one replica)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class MemoryPresence:
    def __init__(self) -> None:
        self._open: Counter[str] = Counter()
        self._away: set[str] = set()

    @asynccontextmanager
    async def present(self, login: str) -> AsyncIterator[None]:
        self._open[login] += 1
        try:
            yield
        finally:
            self._open[login] -= 1
            if self._open[login] <= 0:
                del self._open[login]

    async def online(self) -> set[str]:
        return set(self._open)

    async def set_away(self, login: str, away: bool) -> None:
        if away:
            self._away.add(login)
        else:
            self._away.discard(login)

    async def away(self) -> set[str]:
        return set(self._away)
