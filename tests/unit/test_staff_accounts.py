"""Staff accounts and their sessions over a real SQLite database; the CLI in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.staff.accounts import StaffDirectory
from bot.staff.auth import StaffAuth
from bot.staff.errors import BadCredentials, LockedOut, MemberExists, WeakPassword
from bot.staff.models import StaffRole
from bot.storage import create_engine, upgrade_database
from bot.storage.staff import SqlStaffStore

PASSWORD = "correct horse battery"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStaffStore]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    await upgrade_database(url)
    engine = create_engine(url)
    yield SqlStaffStore(engine)
    await engine.dispose()


def auth(store: SqlStaffStore, ttl_s: float = 3600) -> StaffAuth:
    return StaffAuth(store, store, session_ttl_s=ttl_s, max_failures=3, lockout_s=60)


async def test_passwords_are_argon2_hashes_and_weak_ones_are_refused(
    store: SqlStaffStore,
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


async def test_login_session_logout_lockout_and_disable(store: SqlStaffStore) -> None:
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


async def test_an_expired_session_is_refused(store: SqlStaffStore) -> None:
    await StaffDirectory(store, store).add("boris", PASSWORD, role=StaffRole.OPERATOR)
    gate = auth(store, ttl_s=0.001)
    _, token, expires = await gate.login("boris", PASSWORD)
    assert expires < datetime.now(UTC) + timedelta(seconds=1)
    assert await gate.member(token) is None


def test_cli_adds_lists_and_refuses(tmp_path: Path, clean_env: None) -> None:
    runner = CliRunner()
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
    added = runner.invoke(
        app,
        ["staff", "add", "olga", "--role", "supervisor", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    again = runner.invoke(
        app, ["staff", "add", "olga", "--password-stdin"], input=f"{PASSWORD}\n", env=env
    )
    assert again.exit_code == 1 and "already exists" in again.output
    kept = runner.invoke(
        app,
        ["staff", "add", "olga", "--password-stdin", "--exist-ok"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    assert kept.exit_code == 0 and "unchanged" in kept.output
    weak = runner.invoke(app, ["staff", "add", "ivan", "--password-stdin"], input="123\n", env=env)
    assert weak.exit_code == 2 and "at least 12" in weak.output
    listed = runner.invoke(app, ["staff", "list"], env=env)
    assert "olga" in listed.output and "supervisor" in listed.output
    assert "ivan" not in listed.output
    old_name = runner.invoke(app, ["operators", "list"], env=env)
    assert old_name.exit_code == 0 and "olga" in old_name.output, "earlier scripts keep working"
    report = runner.invoke(app, ["report", "--day", "not-a-date"], env=env)
    assert report.exit_code == 2 and "YYYY-MM-DD" in report.output
