"""Admission to the language model: a bounded queue in front of it.

The model is the one resource a message can make expensive. At most ``running`` generations
run at once (one for the embedded llama.cpp, whose context serves one at a time; more for a
vLLM server) and at most ``waiting`` more wait for a turn, in arrival order; one more is
refused at once with :class:`rag.errors.ModelBusy`, so a flood costs a refusal, not a queue
that grows until every answer times out. Knowledge answers and the operators' summaries take
their turns from the same queue.

A waiting caller is told its place and an honest estimate of the wait (its place times the
recent generations' typical length, over the turns that run at once) when it joins the queue
and each time it moves up. A caller whose estimate is already over ``max_wait_s`` (the
answer's own first-token budget) is refused at once too: on a CPU, where an answer takes
10-25 s, the fourth in line would be told «about a minute» and then time out anyway. The
queue's length and each wait are reported to an :class:`AdmissionObserver` (the service's
metrics).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import NoReturn, Protocol

from rag.errors import ModelBusy


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """Where a waiting generation stands: 1 is next; ``estimate_s`` until its turn starts."""

    position: int
    estimate_s: float


OnWait = Callable[[QueuePlace], Awaitable[None]]


class AdmissionObserver(Protocol):
    def model_queue(self, running: int, waiting: int) -> None: ...

    def model_waited(self, seconds: float) -> None: ...

    def model_refused(self) -> None: ...


# A generation's length before any has been timed: the CPU demo's 10-25 s answers.
_FIRST_GUESS_S = 15.0
_SMOOTHING = 0.3  # weight of the newest generation in the typical length


class ModelAdmission:
    def __init__(
        self,
        running: int = 1,
        waiting: int = 4,
        observer: AdmissionObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_wait_s: float | None = None,
    ) -> None:
        if running < 1 or waiting < 0:
            raise ValueError("running must be 1 or more and waiting 0 or more")
        self._slots = running
        self._capacity = running + waiting
        self._running = 0
        self._queue: deque[_Waiter] = deque()
        self._observer = observer
        self._clock = clock
        self._typical_s = _FIRST_GUESS_S
        self._max_wait_s = max_wait_s

    @property
    def inside(self) -> int:
        """Generations running or waiting now."""
        return self._running + len(self._queue)

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def saturated(self, waiting: int) -> bool:
        """Every turn is taken and at least ``waiting`` generations wait for one."""
        return self._running >= self._slots and len(self._queue) >= waiting

    @property
    def typical_s(self) -> float:
        """How long a turn at the model has lately lasted (smoothed)."""
        return self._typical_s

    def estimate(self, position: int) -> float:
        """Seconds until the ``position``-th waiting generation starts, roughly: the turns
        ahead of it, in rounds of ``running`` at once, at the typical length (the turn that is
        running now is taken as half done)."""
        rounds = math.ceil(position / self._slots)
        return max(0.0, (rounds - 0.5) * self._typical_s)

    @asynccontextmanager
    async def slot(self, on_wait: OnWait | None = None) -> AsyncIterator[None]:
        """Hold a turn at the model for the block; ModelBusy at once when the queue is full.
        While waiting, ``on_wait`` hears the place in the queue (when joining and on each move).
        Leaving the block (also by cancellation) frees the turn and its place."""
        if self.inside >= self._capacity:
            self._refuse(f"{self.inside} generations running or waiting")
        if self._max_wait_s is not None and self._running >= self._slots:
            wait = self.estimate(len(self._queue) + 1)
            if wait > self._max_wait_s:
                self._refuse(f"a wait of about {wait:.0f} s, over {self._max_wait_s:.0f} s")
        joined = self._clock()
        if self._running < self._slots and not self._queue:
            self._running += 1
        else:
            await self._wait(on_wait)
        started = self._clock()
        if self._observer is not None:
            self._observer.model_waited(started - joined)
        self._report()
        try:
            yield
        finally:
            held = self._clock() - started
            self._typical_s += _SMOOTHING * (held - self._typical_s)
            self._release()

    def _refuse(self, why: str) -> NoReturn:
        if self._observer is not None:
            self._observer.model_refused()
        raise ModelBusy(why)

    async def _wait(self, on_wait: OnWait | None) -> None:
        waiter = _Waiter(asyncio.get_running_loop().create_future(), on_wait)
        self._queue.append(waiter)
        self._report()
        await self._tell(waiter, len(self._queue))
        try:
            while True:
                position = await waiter.moved()
                if position == 0:
                    return  # the turn was handed over: self._running already counts it
                await self._tell(waiter, position)
        except BaseException:
            if waiter in self._queue:
                self._queue.remove(waiter)
                self._moved_up()
            elif waiter.granted:
                self._release()  # handed a turn while leaving: pass it on
            self._report()
            raise

    async def _tell(self, waiter: _Waiter, position: int) -> None:
        if waiter.on_wait is not None:
            await waiter.on_wait(QueuePlace(position, self.estimate(position)))

    def _release(self) -> None:
        if self._queue:
            self._queue.popleft().grant()  # the turn goes straight to the next in line
            self._moved_up()
        else:
            self._running -= 1
        self._report()

    def _moved_up(self) -> None:
        for position, waiter in enumerate(self._queue, start=1):
            waiter.move(position)

    def _report(self) -> None:
        if self._observer is not None:
            self._observer.model_queue(self._running, len(self._queue))


class _Waiter:
    """One generation in the queue: its position changes arrive through ``moved``."""

    def __init__(self, signal: asyncio.Future[None], on_wait: OnWait | None) -> None:
        self.on_wait = on_wait
        self.granted = False
        self._position: int | None = None
        self._signal = signal

    def move(self, position: int) -> None:
        self._position = position
        self._wake()

    def grant(self) -> None:
        self.granted = True
        self._position = 0
        self._wake()

    def _wake(self) -> None:
        if not self._signal.done():
            self._signal.set_result(None)

    async def moved(self) -> int:
        """The next position (0: the turn is ours)."""
        if self._position is None:
            await self._signal
        position = self._position
        assert position is not None
        self._position = None
        if not self.granted:
            self._signal = asyncio.get_running_loop().create_future()
        return position


def turn(
    admission: ModelAdmission | None, on_wait: OnWait | None = None
) -> AbstractAsyncContextManager[None]:
    """A turn at the model from ``admission``; without one (tests, tools), no queue."""
    return admission.slot(on_wait) if admission is not None else nullcontext()
