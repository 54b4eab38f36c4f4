"""Staff accounts and logins (``StaffDirectory``, ``StaffAuth``) over the in-memory staff store
(the SQL one passes the same contract: ``tests/contract/storage/test_staff.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.staff.accounts import StaffDirectory
from bot.staff.auth import StaffAuth
from bot.staff.errors import BadCredentials, LockedOut, MemberExists, WeakPassword
from bot.staff.models import StaffRole
from bot.storage.memory import MemoryStaffStore

PASSWORD = "correct horse battery"


@pytest.fixture
def store() -> MemoryStaffStore:
    return MemoryStaffStore()


def auth(store: MemoryStaffStore, ttl_s: float = 3600) -> StaffAuth:
    return StaffAuth(store, store, session_ttl_s=ttl_s, max_failures=3, lockout_s=60)


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
    assert await gate.member(token) is None
