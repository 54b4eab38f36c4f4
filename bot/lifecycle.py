"""Start and stop steps of a process's components, in the order they were built.

The container registers a step for every component it builds that must start (load a model,
migrate the database, begin a background task) or stop (close connections); ``running``
starts them in that order, which is the dependency order, and stops them in reverse. A step
that failed to start stops everything started before it.

Work that must run in one process of all replicas runs under a ``Leadership``; startup work
that must not run twice at once (migrations, building the index) under
``Coordinator.exclusive``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

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


class StartupRefused(Exception):
    """The process must not start (e.g. the database schema is not this version's); the
    message says what to do."""


class Coordinator(Protocol):
    """What replicas agree on through the database: one at a time, and one leader."""

    def exclusive(self, name: str) -> AbstractAsyncContextManager[None]:
        """Wait until no other process holds ``name``, then hold it."""

    def lead(self, name: str) -> AbstractAsyncContextManager[asyncio.Event | None]:
        """Try to become ``name``'s leader: None when another process is; else an event
        that is set if the lead is lost (the database connection that holds it broke)."""


class Leadership:
    """Background duties that must run in one process of all replicas (the queue sweeper,
    retention): they start when this process becomes the leader and stop if it stops being
    one; the others retry every ``retry_s`` and take over when the leader goes away."""

    def __init__(self, coordinator: Coordinator, name: str, retry_s: float = 5.0) -> None:
        self._coordinator = coordinator
        self._name = name
        self._retry_s = retry_s
        self._duties: list[_Component] = []
        self._task: asyncio.Task[None] | None = None
        self.leading = False

    def add(self, name: str, *, start: Step, stop: Step) -> None:
        self._duties.append(_Component(name, start, stop))

    async def start(self) -> None:
        if self._task is None and self._duties:
            self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                async with self._coordinator.lead(self._name) as lost:
                    if lost is not None:
                        await self._serve(lost)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("leadership %s: trying again in %s s", self._name, self._retry_s)
            await asyncio.sleep(self._retry_s)

    async def _serve(self, lost: asyncio.Event) -> None:
        log.info("leading %s: starting %s", self._name, ", ".join(d.name for d in self._duties))
        started: list[_Component] = []
        self.leading = True
        try:
            for duty in self._duties:
                if duty.start is not None:
                    await duty.start()
                started.append(duty)
            await lost.wait()
            log.warning("lost the lead of %s: stopping its duties", self._name)
        finally:
            self.leading = False
            for duty in reversed(started):
                if duty.stop is not None:
                    try:
                        await duty.stop()
                    except Exception:
                        log.exception("stopping %s failed", duty.name)
