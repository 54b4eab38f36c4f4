"""Staff accounts and logins (``StaffDirectory``, ``StaffAuth``) over the in-memory staff store
(the SQL one passes the same contract: ``tests/contract/storage/test_staff.py``)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.dialogue.models import Rate
from bot.dialogue.rate_limits import MemoryRateLimiter
from bot.staff.accounts import StaffDirectory
from bot.staff.auth import StaffAuth
from bot.staff.errors import BadCredentials, LockedOut, LoginsBusy, MemberExists, WeakPassword
from bot.staff.models import StaffRole
from bot.storage.memory import MemoryStaffStore

PASSWORD = "correct horse battery"


@pytest.fixture
def store() -> MemoryStaffStore:
    return MemoryStaffStore()


def auth(
    store: MemoryStaffStore, ttl_s: float = 3600, per_address: int = 1000, idle_s: float = 600
) -> StaffAuth:
    return StaffAuth(
        store,
        store,
        session_ttl_s=ttl_s,
        idle_timeout_s=idle_s,
        max_failures=3,
        lockout_s=60,
        limiter=MemoryRateLimiter(),
        address_rate=Rate(per_address, 300),
    )


async def test_passwords_are_argon2_hashes_and_weak_ones_are_refused(
    store: MemoryStaffStore,
) -> None:
    staff = StaffDirectory(store, store)
    with pytest.raises(WeakPassword, match="at least 12"):
        await staff.add("anna", "short", role=StaffRole.OPERATOR)
    with pytest.raises(WeakPassword, match="login name"):
        await staff.add("anna", "anna-1234567890", role=StaffRole.OPERATOR)
    with pytest.raises(ValueError, match="login"):
        await staff.add("a b", PASSWORD, role=StaffRole.OPERATOR)
    created = await staff.add("Anna", PASSWORD, role=StaffRole.SUPERVISOR)
    assert created.name == "anna" and created.supervisor
    stored = await store.credentials("anna")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    with pytest.raises(MemberExists):
        await staff.add("anna", PASSWORD, role=StaffRole.OPERATOR)


async def test_login_session_logout_lockout_and_disable(store: MemoryStaffStore) -> None:
    staff = StaffDirectory(store, store)
    await staff.add("anna", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store)
    member, token, _ = await gate.login(" ANNA ", PASSWORD)
    assert member.name == "anna"
    assert (await gate.member(token)) == member
    assert await gate.member("forged-token") is None
    assert await gate.member(None) is None
    await gate.logout(token)
    assert await gate.member(token) is None

    for _ in range(3):
        with pytest.raises(BadCredentials):
            await gate.login("anna", "wrong password!")
    with pytest.raises(LockedOut):
        await gate.login("anna", PASSWORD)

    await staff.change_password("anna", PASSWORD)  # a new password also lifts the lockout
    _, token, _ = await gate.login("anna", PASSWORD)
    await staff.disable("anna")
    assert await gate.member(token) is None, "a disabled member's session ends"
    with pytest.raises(BadCredentials):
        await gate.login("anna", PASSWORD)


async def test_an_expired_session_is_refused(store: MemoryStaffStore) -> None:
    await StaffDirectory(store, store).add("boris", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store, ttl_s=0.001)
    _, token, expires = await gate.login("boris", PASSWORD)
    assert expires < datetime.now(UTC) + timedelta(seconds=1)
    await asyncio.sleep(0.01)
    assert await gate.member(token) is None


async def test_parallel_wrong_passwords_are_checked_at_most_max_failures_times(
    store: MemoryStaffStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lockout cannot be outrun: 6 guesses at once, 3 allowed, 3 checked (the review's
    race: every guess passed the lock check before any failure was counted)."""
    await StaffDirectory(store, store).add("anna", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store)
    outcomes = await asyncio.gather(
        *(gate.login("anna", f"guess number {n}!") for n in range(6)), return_exceptions=True
    )
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds == ["BadCredentials"] * 3 + ["LockedOut"] * 3
    with pytest.raises(LockedOut):
        await gate.login("anna", PASSWORD)


async def test_password_checks_run_off_the_event_loop(store: MemoryStaffStore) -> None:
    """While an argon2id check runs, the loop keeps turning (it ran on the loop before)."""
    await StaffDirectory(store, store).add("anna", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    running = asyncio.create_task(ticker())
    started = time.perf_counter()
    await gate.login("anna", PASSWORD)
    spent = time.perf_counter() - started
    running.cancel()
    assert spent > 0.02 and ticks >= 3, (spent, ticks)


async def test_one_address_gets_a_login_rate_whatever_the_account(
    store: MemoryStaffStore,
) -> None:
    await StaffDirectory(store, store).add("anna", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store, per_address=2)
    for name in ("nobody", "someone"):
        with pytest.raises(BadCredentials):
            await gate.login(name, PASSWORD, "203.0.113.7")
    with pytest.raises(LoginsBusy) as refused:
        await gate.login("anna", PASSWORD, "203.0.113.7")
    assert refused.value.status == 429 and int(refused.value.headers["Retry-After"]) > 0
    member, _, _ = await gate.login("anna", PASSWORD, "198.51.100.1")  # another address
    assert member.name == "anna"
    credentials = await store.credentials("anna")
    assert credentials is not None and credentials.failed_logins == 0, "no account was charged"


async def test_a_session_unused_for_the_idle_timeout_ends(store: MemoryStaffStore) -> None:
    """A request keeps the session alive; a console's socket checking on it does not."""
    await StaffDirectory(store, store).add("anna", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store, idle_s=0.2)
    _, token, _ = await gate.login("anna", PASSWORD)
    for _ in range(3):
        await asyncio.sleep(0.1)
        assert await gate.member(token, touch=True) is not None, "used: alive"
    await asyncio.sleep(0.1)
    assert await gate.member(token) is not None, "a check is not a use..."
    await asyncio.sleep(0.15)
    assert await gate.member(token) is None, "...and the idle desk's session is over"
    assert await gate.member(token, touch=True) is None, "a use after the end revives nothing"
