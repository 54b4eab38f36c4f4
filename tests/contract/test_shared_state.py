"""State the replicas share, run the same way against the in-memory twin (one process) and
a real Redis (two clients standing for two replicas): conversation locks, rate windows and
operator presence; Telegram's outbound budget on top of the shared rate windows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.channels.telegram.throttle import OutboundThrottle
from bot.dialogue.locks import MemoryConversationLocks
from bot.dialogue.models import Rate
from bot.dialogue.ports import ConversationLocks, RateLimiter
from bot.dialogue.rate_limits import MemoryRateLimiter
from bot.operators.ports import Presence
from bot.operators.presence import MemoryPresence
from bot.storage.redis import RedisConversationLocks, RedisPresence, RedisRateLimiter, connect
from bot.storage.redis.locks import ALIVE, PREFIX

Pair = tuple[Any, Any]  # the same port as two replicas see it


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = connect(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def second_redis(redis_url: str) -> AsyncIterator[Redis]:
    client = connect(redis_url)
    yield client
    await client.aclose()


# --- conversation locks -------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def locks(request: pytest.FixtureRequest) -> tuple[ConversationLocks, ConversationLocks]:
    if request.param == "memory":
        one = MemoryConversationLocks()
        return one, one  # one process: both «replicas» are the same
    first, second = request.getfixturevalue("redis"), request.getfixturevalue("second_redis")
    return RedisConversationLocks(first, lease_s=3), RedisConversationLocks(second, lease_s=3)


async def test_one_turn_at_a_time_per_conversation_across_replicas(
    locks: tuple[ConversationLocks, ConversationLocks],
) -> None:
    inside: list[str] = []
    overlaps = 0

    async def turn(replica: int, n: int) -> None:
        nonlocal overlaps
        async with locks[replica].hold("conversation-1"):
            overlaps += len(inside)
            inside.append(f"{replica}:{n}")
            await asyncio.sleep(0.02)
            inside.pop()

    await asyncio.gather(*(turn(n % 2, n) for n in range(12)))
    assert overlaps == 0


async def test_other_conversations_do_not_wait(
    locks: tuple[ConversationLocks, ConversationLocks],
) -> None:
    async with locks[0].hold("conversation-1"):
        async with asyncio.timeout(1):
            async with locks[1].hold("conversation-2"):
                pass


async def test_messages_of_one_replica_keep_their_order(
    locks: tuple[ConversationLocks, ConversationLocks],
) -> None:
    order: list[int] = []

    async def turn(n: int) -> None:
        async with locks[0].hold("conversation-1"):
            order.append(n)
            await asyncio.sleep(0.01)

    tasks = []
    for n in range(8):
        tasks.append(asyncio.create_task(turn(n)))
        await asyncio.sleep(0)  # arrives in this order
    await asyncio.gather(*tasks)
    assert order == list(range(8))


async def test_a_turn_longer_than_the_lease_keeps_its_lock(
    redis: Redis, second_redis: Redis
) -> None:
    first, second = RedisConversationLocks(redis, lease_s=2), RedisConversationLocks(second_redis)
    entered = asyncio.Event()
    other_got_it_at: list[float] = []

    async def long_turn() -> None:
        async with first.hold("conversation-1"):
            entered.set()
            await asyncio.sleep(3.5)  # over the 2 s lease: renewed meanwhile

    async def other() -> None:
        await entered.wait()
        async with second.hold("conversation-1"):
            other_got_it_at.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(long_turn(), other())
    assert other_got_it_at[0] - started >= 3.4


async def test_a_replica_that_died_mid_turn_frees_the_conversation_when_its_lease_ends(
    redis: Redis, second_redis: Redis
) -> None:
    # A dead replica: first in the queue, its lease not renewed by anyone.
    await redis.rpush(PREFIX + "conversation-1", "dead-replica")  # type: ignore[misc]
    await redis.set(ALIVE + "dead-replica", "1", px=1500)
    started = time.monotonic()
    async with RedisConversationLocks(second_redis).hold("conversation-1"):
        waited = time.monotonic() - started
    assert 1.0 < waited < 5.0


async def test_turns_run_in_the_order_they_reached_any_replica(
    redis: Redis, second_redis: Redis
) -> None:
    replicas = RedisConversationLocks(redis), RedisConversationLocks(second_redis)
    order: list[int] = []
    first_in = asyncio.Event()

    async def turn(n: int) -> None:
        async with replicas[n % 2].hold("conversation-1"):
            first_in.set()
            order.append(n)
            await asyncio.sleep(0.2)  # longer than the arrivals' spacing: each waits its turn

    tasks = [asyncio.create_task(turn(0))]
    await first_in.wait()
    for n in range(1, 8):  # arrive one after another while the first still runs
        tasks.append(asyncio.create_task(turn(n)))
        # Time for its request to reach Redis before the next one's: 10 ms was less than a
        # round trip when both cores were busy (test-fast's two workers), and turns 1 and 2
        # swapped places.
        await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    assert order == list(range(8))


# --- rate windows ---------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def limiters(request: pytest.FixtureRequest, redis_url: str) -> Pair:
    if request.param == "memory":
        one = MemoryRateLimiter()
        return one, one
    first, second = request.getfixturevalue("redis"), request.getfixturevalue("second_redis")
    return RedisRateLimiter(first, redis_url), RedisRateLimiter(second, redis_url)


async def test_a_rate_is_one_budget_for_all_replicas(limiters: Pair) -> None:
    rate = Rate(4, 10.0)
    accepted = [await limiters[n % 2].hit("address:10.0.0.1", rate) == 0 for n in range(7)]
    assert accepted == [True] * 4 + [False] * 3


async def test_a_refusal_says_how_long_to_wait_and_is_not_counted(limiters: Pair) -> None:
    rate = Rate(2, 2.0)
    assert await limiters[0].hit("chat:1", rate) == 0
    assert await limiters[1].hit("chat:1", rate) == 0
    wait = await limiters[0].hit("chat:1", rate)
    assert 0 < wait <= 2.0
    await asyncio.sleep(wait + 0.05)
    assert await limiters[1].hit("chat:1", rate) == 0  # the refusals did not extend it


async def test_keys_have_their_own_windows(limiters: Pair) -> None:
    rate = Rate(1, 10.0)
    assert await limiters[0].hit("chat:1", rate) == 0
    assert await limiters[1].hit("chat:2", rate) == 0
    assert await limiters[1].hit("chat:1", rate) > 0


# --- presence -------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def presences(request: pytest.FixtureRequest) -> tuple[Presence, Presence]:
    if request.param == "memory":
        one = MemoryPresence()
        return one, one
    first, second = request.getfixturevalue("redis"), request.getfixturevalue("second_redis")
    return RedisPresence(first, ttl_s=3), RedisPresence(second, ttl_s=3)


async def test_an_operator_is_online_while_any_console_is_open(
    presences: tuple[Presence, Presence],
) -> None:
    here, there = presences
    assert await there.online() == set()
    async with here.present("anna"):
        assert await there.online() == {"anna"}
        async with there.present("anna"), there.present("boris"):
            assert await here.online() == {"anna", "boris"}
        assert await there.online() == {"anna"}
    assert await here.online() == set()


async def test_an_operator_who_steps_away_is_away_on_every_replica(
    presences: tuple[Presence, Presence],
) -> None:
    here, there = presences
    await here.set_away("anna", True)
    await here.set_away("boris", True)
    assert await there.away() == {"anna", "boris"}
    await there.set_away("anna", False)
    await there.set_away("anna", False)  # twice is fine
    assert await here.away() == {"boris"}
    await here.set_away("boris", False)


async def test_a_console_stays_online_past_its_ttl_while_its_replica_lives(
    redis: Redis, second_redis: Redis
) -> None:
    async with RedisPresence(redis, ttl_s=3).present("anna"):
        await asyncio.sleep(4)  # heartbeats every second
        assert await RedisPresence(second_redis).online() == {"anna"}


async def test_the_consoles_of_a_dead_replica_go_offline_after_the_ttl(
    redis: Redis, second_redis: Redis
) -> None:
    await redis.hset("perimeter:presence", "anna\x1fdead", str(time.time() + 1))
    reader = RedisPresence(second_redis)
    assert await reader.online() == {"anna"}
    await asyncio.sleep(1.2)
    assert await reader.online() == set()
    assert await second_redis.hlen("perimeter:presence") == 0  # swept


# --- Telegram's outbound budget ---------------------------------------------------------------


class _Method:
    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id


async def _send_through(throttle: OutboundThrottle, chat_id: int, sent: list[float]) -> None:
    async def make_request(bot: Any, method: Any) -> Any:
        sent.append(time.monotonic())
        return None

    await throttle(make_request, None, _Method(chat_id))  # type: ignore[arg-type]


async def test_two_processes_sending_for_one_bot_share_its_budget(
    redis_url: str, redis: Redis, second_redis: Redis
) -> None:
    def process(client: Redis) -> OutboundThrottle:
        limiter = RedisRateLimiter(client, redis_url)
        return OutboundThrottle(per_chat_per_s=1, overall_per_s=5, limiter=limiter, budget="bot")

    first, second = process(redis), process(second_redis)
    sent: list[float] = []
    started = time.monotonic()
    # 12 messages to 12 chats, half from each process: 5 per second in all, not 10.
    await asyncio.gather(
        *(_send_through(first if n % 2 else second, chat, sent) for n, chat in enumerate(range(12)))
    )
    elapsed = time.monotonic() - started
    assert len(sent) == 12
    assert elapsed >= 2.0  # 12 at 5/s: two full windows beyond the first five
    in_first_second = sum(1 for t in sent if t - started < 0.95)
    assert in_first_second <= 5


async def test_one_chat_gets_about_one_message_a_second_from_both_processes(
    redis_url: str, redis: Redis, second_redis: Redis
) -> None:
    def process(client: Redis) -> OutboundThrottle:
        limiter: RateLimiter = RedisRateLimiter(client, redis_url)
        return OutboundThrottle(per_chat_per_s=1, overall_per_s=25, limiter=limiter, budget="bot")

    first, second = process(redis), process(second_redis)
    sent: list[float] = []
    started = time.monotonic()
    await asyncio.gather(*(_send_through(first if n % 2 else second, 42, sent) for n in range(3)))
    assert time.monotonic() - started >= 1.9
