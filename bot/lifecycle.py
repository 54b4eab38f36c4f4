"""Start and stop steps of a process's components, in the order they were built.

The container registers a step for every component it builds that must start (load a model,
migrate the database, begin a background task) or stop (close connections); ``running``
starts them in that order, which is the dependency order, and stops them in reverse. A step
that failed to start stops everything started before it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Component:
    name: str
    start: Step | None
    stop: Step | None


class Lifecycle:
    def __init__(self) -> None:
        self._components: list[_Component] = []
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def add(self, name: str, *, start: Step | None = None, stop: Step | None = None) -> None:
        if self._running:
            raise RuntimeError(
                f"{name} was built after the process started: build it before running()"
            )
        self._components.append(_Component(name, start, stop))

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        started: list[_Component] = []
        self._running = True
        try:
            for component in self._components:
                if component.start is not None:
                    log.debug("starting %s", component.name)
                    await component.start()
                started.append(component)
            yield
        finally:
            for component in reversed(started):
                if component.stop is None:
                    continue
                try:
                    await component.stop()
                except Exception:
                    log.exception("stopping %s failed", component.name)
            self._running = False
