"""The bounded queue in front of the model: so many run, so many wait, one more is refused."""

from __future__ import annotations

import asyncio

import pytest

from rag.admission import ModelAdmission, QueuePlace
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


class Recorder:
    """An ``AdmissionObserver`` that keeps what it is told."""

    def __init__(self) -> None:
        self.lengths: list[tuple[int, int]] = []
        self.waits: list[float] = []
        self.refused = 0

    def model_queue(self, running: int, waiting: int) -> None:
        self.lengths.append((running, waiting))

    def model_waited(self, seconds: float) -> None:
        self.waits.append(seconds)

    def model_refused(self) -> None:
        self.refused += 1


async def test_a_waiting_answer_hears_its_place_and_an_estimate_as_it_moves_up() -> None:
    recorder = Recorder()
    admission = ModelAdmission(running=1, waiting=3, observer=recorder)
    releases = [asyncio.Event() for _ in range(3)]
    places: dict[int, list[QueuePlace]] = {1: [], 2: []}

    async def generate(index: int) -> None:
        async def heard(place: QueuePlace) -> None:
            places[index].append(place)

        async with admission.slot(heard):
            await releases[index].wait()

    tasks = [asyncio.create_task(generate(i)) for i in range(3)]
    await asyncio.sleep(0)
    assert admission.waiting == 2
    assert [p.position for p in places[1]] == [1]
    assert [p.position for p in places[2]] == [2]
    # Second in line waits for two turns at the typical length, the first for one.
    assert places[2][0].estimate_s > places[1][0].estimate_s > 0
    releases[0].set()
    await asyncio.sleep(0.01)
    assert [p.position for p in places[2]] == [2, 1]  # moved up when the first finished
    releases[1].set()
    releases[2].set()
    await asyncio.gather(*tasks)
    assert admission.inside == 0
    assert recorder.lengths[-1] == (0, 0)
    assert (1, 2) in recorder.lengths  # one ran while two waited: the gauge saw it
    assert len(recorder.waits) == 3 and recorder.refused == 0


async def test_the_estimate_follows_how_long_turns_take() -> None:
    now = [0.0]
    admission = ModelAdmission(running=2, waiting=4, clock=lambda: now[0])
    for _ in range(20):  # turns of 4 s each
        async with admission.slot():
            now[0] += 4.0
    assert admission.typical_s == pytest.approx(4.0, abs=0.1)
    # Two run at once: the 3rd and 4th in line start in the second round.
    assert admission.estimate(1) == admission.estimate(2) < admission.estimate(3)
    assert admission.estimate(3) == pytest.approx(6.0, abs=0.2)


async def test_a_refusal_is_counted() -> None:
    recorder = Recorder()
    admission = ModelAdmission(running=1, waiting=0, observer=recorder)
    async with admission.slot():
        with pytest.raises(ModelBusy):
            async with admission.slot():
                pass
    assert recorder.refused == 1


async def test_a_turn_handed_to_a_waiter_that_leaves_goes_to_the_next() -> None:
    admission = ModelAdmission(running=1, waiting=2)
    first_done = asyncio.Event()
    served: list[str] = []

    async def generate(name: str, hold: asyncio.Event | None = None) -> None:
        async with admission.slot():
            served.append(name)
            if hold is not None:
                await hold.wait()

    first = asyncio.create_task(generate("first", first_done))
    leaving = asyncio.create_task(generate("leaving"))
    last = asyncio.create_task(generate("last"))
    await asyncio.sleep(0)
    first_done.set()
    leaving.cancel()  # it gives up in the same moment its turn comes
    await asyncio.gather(first, last, leaving, return_exceptions=True)
    assert served[0] == "first" and "last" in served
    assert admission.inside == 0


async def test_a_wait_longer_than_the_budget_is_refused_at_once() -> None:
    """Turns of 20 s and a 60 s first-token budget: the third in line would wait about 50 s
    and is let in; the fourth, about 70 s, would only time out after being told to wait."""
    now = [0.0]
    recorder = Recorder()
    admission = ModelAdmission(
        running=1, waiting=10, observer=recorder, clock=lambda: now[0], max_wait_s=60.0
    )
    for _ in range(20):
        async with admission.slot():
            now[0] += 20.0
    assert admission.typical_s == pytest.approx(20.0, abs=0.1)
    hold = asyncio.Event()

    async def generate() -> None:
        async with admission.slot():
            await hold.wait()

    tasks = [asyncio.create_task(generate()) for _ in range(4)]  # one runs, three wait
    await asyncio.sleep(0)
    assert admission.inside == 4 and admission.estimate(3) == pytest.approx(50.0, abs=1)
    with pytest.raises(ModelBusy, match="about 70 s"):
        async with admission.slot():
            pytest.fail("a wait past the budget must not start")
    assert recorder.refused == 1
    hold.set()
    await asyncio.gather(*tasks)
    async with admission.slot():  # nobody ahead: never refused for the wait
        assert admission.inside == 1
