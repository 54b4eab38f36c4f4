"""The bounded queue in front of the model: so many run, so many wait, one more is refused."""

from __future__ import annotations

import asyncio

import pytest

from rag.admission import ModelAdmission
from rag.errors import ModelBusy


async def test_one_runs_one_waits_the_next_is_refused_at_once() -> None:
    admission = ModelAdmission(running=1, waiting=1)
    release = asyncio.Event()
    order: list[str] = []

    async def generate(name: str) -> None:
        async with admission.slot():
            order.append(name)
            await release.wait()

    first = asyncio.create_task(generate("first"))
    second = asyncio.create_task(generate("second"))
    await asyncio.sleep(0)
    assert admission.inside == 2 and order == ["first"]
    with pytest.raises(ModelBusy):
        async with admission.slot():
            pytest.fail("a third generation must not start")
    release.set()
    await asyncio.gather(first, second)
    assert order == ["first", "second"]
    assert admission.inside == 0
    async with admission.slot():  # room again
        assert admission.inside == 1


async def test_a_cancelled_wait_gives_its_place_back() -> None:
    admission = ModelAdmission(running=1, waiting=1)
    hold = asyncio.Event()

    async def generate() -> None:
        async with admission.slot():
            await hold.wait()

    running = asyncio.create_task(generate())
    waiting = asyncio.create_task(generate())
    await asyncio.sleep(0)
    waiting.cancel()  # the customer left, or the first-token time ran out
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert admission.inside == 1
    hold.set()
    await running
    assert admission.inside == 0


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="running"):
        ModelAdmission(running=0)
