"""The guard's ports: one contract suite per port, typed with the Protocol and parametrized
over every implementation (memory today; a Redis one would add a parameter), plus what only
the memory ones promise."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.dialogue.guard import ChannelRates
from bot.dialogue.locks import MemoryConversationLocks
from bot.dialogue.models import Channel, Rate
from bot.dialogue.ports import ConversationLocks, RateLimiter
from bot.dialogue.rate_limits import MemoryRateLimiter

WINDOW_S = 0.4


@pytest.fixture(params=["memory"])
def locks(request: pytest.FixtureRequest) -> ConversationLocks:
    return MemoryConversationLocks()


@pytest.fixture(params=["memory"])
def limiter(request: pytest.FixtureRequest) -> RateLimiter:
    return MemoryRateLimiter()


async def test_one_holder_per_key_in_arrival_order(locks: ConversationLocks) -> None:
    order: list[str] = []

    async def hold(name: str) -> None:
        async with locks.hold("conversation-1"):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(*(hold(name) for name in "abc"))
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]


async def test_keys_do_not_wait_for_each_other(locks: ConversationLocks) -> None:
    async with locks.hold("conversation-1"):
        async with asyncio.timeout(1):
            async with locks.hold("conversation-2"):
                pass


async def test_a_holder_that_fails_lets_the_next_one_in(locks: ConversationLocks) -> None:
    with pytest.raises(RuntimeError):
        async with locks.hold("conversation-1"):
            raise RuntimeError("the turn failed")
    async with asyncio.timeout(1):
        async with locks.hold("conversation-1"):
            pass


async def test_within_the_rate_then_seconds_to_wait(limiter: RateLimiter) -> None:
    rate = Rate(2, WINDOW_S)
    assert [await limiter.hit("a", rate) for _ in range(2)] == [0.0, 0.0]
    wait = await limiter.hit("a", rate)
    assert 0 < wait <= WINDOW_S
    assert await limiter.hit("b", rate) == 0.0, "keys are counted apart"
    await asyncio.sleep(wait + 0.05)
    assert await limiter.hit("a", rate) == 0.0


async def test_a_refused_hit_is_not_counted(limiter: RateLimiter) -> None:
    """A sliding window of accepted events: hammering while refused does not extend it."""
    rate = Rate(1, 1.0)
    started = time.monotonic()
    assert await limiter.hit("a", rate) == 0.0
    await asyncio.sleep(0.3)
    assert await limiter.hit("a", rate) > 0, "refused within the window"
    # Had the refusal at ~0.3 s counted, the key would stay refused until ~1.3 s.
    await asyncio.sleep(max(0.0, started + 1.05 - time.monotonic()))
    assert await limiter.hit("a", rate) == 0.0


async def test_memory_locks_forget_keys_nobody_holds() -> None:
    locks = MemoryConversationLocks()
    async with locks.hold("conversation-1"):
        assert len(locks) == 1
    assert len(locks) == 0


async def test_memory_limiter_keeps_the_keys_seen_most_recently() -> None:
    now = [0.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0], max_keys=2)
    rate = Rate(1, 10.0)
    await limiter.hit("a", rate)
    await limiter.hit("b", rate)
    now[0] = 1.0
    assert await limiter.hit("a", rate) == pytest.approx(9.0), "seen again: a is the newest"
    assert await limiter.hit("c", rate) == 0.0, "full: b, seen least recently, is forgotten"
    assert await limiter.hit("a", rate) == pytest.approx(9.0), "a is still counted"
    assert await limiter.hit("b", rate) == 0.0, "b starts over"


def test_each_channel_has_its_rate_and_evaluation_has_none() -> None:
    rates = ChannelRates(webchat=Rate(20, 60), telegram=Rate(5, 10))
    assert rates.of(Channel.WEBCHAT) == Rate(20, 60)
    assert rates.of(Channel.TELEGRAM) == Rate(5, 10)
    assert rates.of(Channel.EVAL) is None
