"""Admission to the language model: a bounded queue in front of it.

The model is the one resource a message can make expensive. At most ``running`` generations
run at once (one for the embedded llama.cpp, whose context serves one at a time; more for a
vLLM server) and at most ``waiting`` more wait for a turn, in arrival order; one more is
refused at once with :class:`rag.errors.ModelBusy`, so a flood costs a refusal, not a queue
that grows until every answer times out. Knowledge answers and the operators' summaries take
their turns from the same queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from rag.errors import ModelBusy


class ModelAdmission:
    def __init__(self, running: int = 1, waiting: int = 4) -> None:
        if running < 1 or waiting < 0:
            raise ValueError("running must be 1 or more and waiting 0 or more")
        self._turns = asyncio.Semaphore(running)
        self._capacity = running + waiting
        self._inside = 0

    @property
    def inside(self) -> int:
        """Generations running or waiting now."""
        return self._inside

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a turn at the model for the block; ModelBusy at once when the queue is full.
        Leaving the block (also by cancellation) frees the turn and its place."""
        if self._inside >= self._capacity:
            raise ModelBusy(f"{self._inside} generations running or waiting")
        self._inside += 1
        try:
            async with self._turns:
                yield
        finally:
            self._inside -= 1


def turn(admission: ModelAdmission | None) -> AbstractAsyncContextManager[None]:
    """A turn at the model from ``admission``; without one (tests, tools), no queue."""
    return admission.slot() if admission is not None else nullcontext()
