"""What replicas agree on through the database, against PostgreSQL (advisory locks, two
engines standing for two replicas) and the embedded lock files: one at a time, one leader,
a lead that passes on when its holder goes; the schema check; the feed's pushed notices."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.lifecycle import Coordinator, Leadership, StartupRefused
from bot.storage import create_engine, sql_stores
from bot.storage.coordination import FileCoordinator, PgCoordinator, lock_key
from bot.storage.migrate import check_schema, head_revision, upgrade_database
from bot.storage.notices import PgEventNotices
from tests.contract.storage.backends import queued_handoff

Replicas = tuple[Coordinator, Coordinator]


@pytest.fixture(params=["files", pytest.param("postgres", marks=pytest.mark.postgres)])
async def replicas(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Replicas]:
    if request.param == "files":
        yield FileCoordinator(tmp_path / "locks"), FileCoordinator(tmp_path / "locks")
        return
    url = request.getfixturevalue("postgres_scratch_url")
    engines = create_engine(url), create_engine(url)
    yield PgCoordinator(engines[0], ping_s=0.2), PgCoordinator(engines[1], ping_s=0.2)
    for engine in engines:
        await engine.dispose()


async def test_startup_steps_take_turns(replicas: Replicas) -> None:
    running: list[int] = []
    overlaps = 0

    async def step(n: int) -> None:
        nonlocal overlaps
        async with replicas[n % 2].exclusive("migrate"):
            overlaps += len(running)
            running.append(n)
            await asyncio.sleep(0.05)
            running.pop()

    await asyncio.gather(*(step(n) for n in range(6)))
    assert overlaps == 0


async def test_one_leader_and_the_lead_passes_when_it_lets_go(replicas: Replicas) -> None:
    first, second = replicas
    async with first.lead("duties") as lead:
        assert lead is not None
        async with second.lead("duties") as other:
            assert other is None
    async with second.lead("duties") as other:
        assert other is not None


@pytest.mark.postgres
async def test_a_leader_whose_connection_dies_is_replaced(postgres_scratch_url: str) -> None:
    """As when a replica is killed: the server ends its session, the lock goes with it."""
    engines = create_engine(postgres_scratch_url), create_engine(postgres_scratch_url)
    leader, follower = PgCoordinator(engines[0], ping_s=0.2), PgCoordinator(engines[1])
    try:
        async with leader.lead("duties") as lost:
            assert lost is not None
            async with engines[1].connect() as admin:
                await admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks"
                        " WHERE locktype = 'advisory' AND objid = (:key & 4294967295)"
                    ),
                    {"key": lock_key("duties")},
                )
                await admin.commit()
            async with asyncio.timeout(5):
                await lost.wait()
        async with follower.lead("duties") as taken:
            assert taken is not None
    finally:
        for engine in engines:
            await engine.dispose()


async def test_duties_run_in_the_leader_only_and_move_when_it_stops(replicas: Replicas) -> None:
    running: dict[str, bool] = {"a": False, "b": False}

    def leadership(name: str, coordinator: Coordinator) -> Leadership:
        duties = Leadership(coordinator, "duties", retry_s=0.1)

        async def start() -> None:
            running[name] = True

        async def stop() -> None:
            running[name] = False

        duties.add("sweeper", start=start, stop=stop)
        return duties

    a, b = leadership("a", replicas[0]), leadership("b", replicas[1])
    await a.start()
    await asyncio.sleep(0.3)
    await b.start()
    await asyncio.sleep(0.3)
    assert running == {"a": True, "b": False}
    await a.close()  # the leader stops (a rolling restart)
    async with asyncio.timeout(5):
        while not running["b"]:  # noqa: ASYNC110 - a flag the duty sets
            await asyncio.sleep(0.05)
    assert running == {"a": False, "b": True}
    await b.close()
    assert running == {"a": False, "b": False}


async def test_a_process_refuses_a_database_without_this_versions_schema(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'perimeter.db'}"
    engine = create_engine(url)
    try:
        with pytest.raises(StartupRefused, match="no schema yet: run `perimeter db upgrade`"):
            await check_schema(engine)
        await upgrade_database(url, "0009")
        with pytest.raises(StartupRefused, match="at revision 0009, this version needs"):
            await check_schema(engine)
        await upgrade_database(url)
        await check_schema(engine)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(StartupRefused, match="newer than this version"):
            await check_schema(engine)
    finally:
        await engine.dispose()
    assert head_revision() == "0014"


@pytest.mark.postgres
async def test_a_new_event_is_pushed_to_listening_replicas(postgres_migrated: str) -> None:
    engine = create_engine(postgres_migrated)
    woken = asyncio.Event()
    listener = asyncio.create_task(PgEventNotices(engine).listen(woken.set))
    try:
        async with asyncio.timeout(5):
            await woken.wait()  # the first call: whatever was missed
        woken.clear()
        await asyncio.sleep(0.2)
        assert not woken.is_set()
        await queued_handoff(sql_stores(engine))  # adds the handoff's «queued» event
        async with asyncio.timeout(2):
            await woken.wait()
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await engine.dispose()
