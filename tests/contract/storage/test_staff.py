"""Staff accounts and their sessions (``StaffAccounts``, ``StaffSessions``): one contract,
three homes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.staff.errors import MemberExists, UnknownMember
from bot.staff.models import StaffRole
from bot.staff.ports import StaffAccounts, StaffSessions
from bot.storage import Stores
from tests.contract.storage.backends import MemoryStores, PostgresStores, SqliteStores

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"  # a stored hash, never checked here


class StaffContract:
    @pytest.fixture
    def accounts(self, stores: Stores) -> StaffAccounts:
        return stores.staff_accounts

    @pytest.fixture
    def sessions(self, stores: Stores) -> StaffSessions:
        return stores.staff_sessions

    async def test_accounts_are_unique_listed_by_login_and_read_back(
        self, accounts: StaffAccounts
    ) -> None:
        olga = await accounts.add_member("olga", "Ольга", StaffRole.SUPERVISOR, HASH)
        anna = await accounts.add_member("anna", "Анна", StaffRole.OPERATOR, HASH)
        with pytest.raises(MemberExists):
            await accounts.add_member("anna", "Другая Анна", StaffRole.EDITOR, HASH)
        assert olga.supervisor and olga.active and anna.id != olga.id
        assert await accounts.list_members() == [anna, olga]
        assert await accounts.member("anna") == anna
        assert await accounts.member("nobody") is None
        found = await accounts.credentials("olga")
        assert found is not None and found.member == olga and found.password_hash == HASH
        assert (found.failed_logins, found.locked_until) == (0, None)

    async def test_failures_lock_and_success_or_a_new_password_clears(
        self, accounts: StaffAccounts
    ) -> None:
        anna = await accounts.add_member("anna", "Анна", StaffRole.OPERATOR, HASH)
        window = timedelta(minutes=15)
        for _ in range(2):
            assert await accounts.claim_attempt(anna.id, 3, window)
        counted = await accounts.credentials("anna")
        assert counted is not None and counted.failed_logins == 2 and counted.locked_until is None
        assert await accounts.claim_attempt(anna.id, 3, window), "the third may still be tried"
        assert not await accounts.claim_attempt(anna.id, 3, window), "then it is locked"
        locked = await accounts.credentials("anna")
        assert locked is not None and locked.locked_until is not None
        assert locked.locked_until > datetime.now(UTC) + timedelta(minutes=14)
        await accounts.set_password("anna", "$argon2id$new")
        reset = await accounts.credentials("anna")
        assert reset is not None and reset.password_hash == "$argon2id$new"
        assert (reset.failed_logins, reset.locked_until) == (0, None)
        assert await accounts.claim_attempt(anna.id, 3, window)
        await accounts.login_succeeded(anna.id, "$argon2id$rehashed")
        cleared = await accounts.credentials("anna")
        assert cleared is not None and cleared.failed_logins == 0
        assert cleared.password_hash == "$argon2id$rehashed"
        with pytest.raises(UnknownMember):
            await accounts.set_password("nobody", HASH)
        with pytest.raises(UnknownMember):
            await accounts.set_active("nobody", False)

    async def test_parallel_attempts_never_outrun_the_lockout(
        self, accounts: StaffAccounts
    ) -> None:
        anna = await accounts.add_member("anna", "Анна", StaffRole.OPERATOR, HASH)
        claims = await asyncio.gather(
            *(accounts.claim_attempt(anna.id, 5, timedelta(minutes=15)) for _ in range(30))
        )
        assert claims.count(True) == 5
        expired = await accounts.add_member("boris", "Борис", StaffRole.OPERATOR, HASH)
        assert await accounts.claim_attempt(expired.id, 1, timedelta(microseconds=1))
        await asyncio.sleep(0.01)
        assert await accounts.claim_attempt(expired.id, 2, timedelta(minutes=1)), "lock over"
        assert not await accounts.claim_attempt(12345, 5, timedelta(minutes=1)), "no member"

    async def test_a_session_lives_until_it_expires_ends_or_its_member_is_disabled(
        self, accounts: StaffAccounts, sessions: StaffSessions
    ) -> None:
        anna = await accounts.add_member("anna", "Анна", StaffRole.OPERATOR, HASH)
        boris = await accounts.add_member("boris", "Борис", StaffRole.OPERATOR, HASH)
        later = datetime.now(UTC) + timedelta(hours=1)
        await sessions.create_session(anna.id, "h-anna-1", later)
        await sessions.create_session(anna.id, "h-anna-2", later)
        await sessions.create_session(boris.id, "h-boris", later)
        await sessions.create_session(boris.id, "h-old", datetime.now(UTC) - timedelta(seconds=1))
        assert await sessions.session_member("h-anna-1") == anna
        assert await sessions.session_member("h-old") is None, "expired"
        assert await sessions.session_member("h-unknown") is None
        await sessions.delete_session("h-anna-1")
        assert await sessions.session_member("h-anna-1") is None
        assert await sessions.session_member("h-anna-2") == anna
        await sessions.end_sessions(anna.id)
        assert await sessions.session_member("h-anna-2") is None
        disabled = await accounts.set_active("boris", False)
        assert not disabled.active
        assert await sessions.session_member("h-boris") is None, "a disabled member is out"
        await accounts.set_active("boris", True)
        assert await sessions.session_member("h-boris") == boris

    async def test_an_idle_session_ends_and_a_use_keeps_it(
        self, accounts: StaffAccounts, sessions: StaffSessions
    ) -> None:
        anna = await accounts.add_member("anna", "Анна", StaffRole.OPERATOR, HASH)
        await sessions.create_session(anna.id, "h-1", datetime.now(UTC) + timedelta(hours=1))
        idle = timedelta(milliseconds=300)
        await asyncio.sleep(0.2)
        assert await sessions.session_member("h-1", idle=idle, touch=True) == anna
        await asyncio.sleep(0.2)
        assert await sessions.session_member("h-1", idle=idle) == anna, "touched 0.2 s ago"
        await asyncio.sleep(0.2)
        assert await sessions.session_member("h-1", idle=idle) is None, "idle 0.4 s"
        assert await sessions.session_member("h-1") == anna, "without an idle rule: alive"


class TestMemory(MemoryStores, StaffContract):
    pass


class TestSqlite(SqliteStores, StaffContract):
    pass


class TestPostgres(PostgresStores, StaffContract):
    pass
