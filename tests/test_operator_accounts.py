"""Operator accounts and console sessions over a real SQLite database; the CLI in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.operators.auth import BadCredentials, ConsoleAuth, LockedOut, create_operator
from bot.operators.models import OperatorRole
from bot.operators.passwords import WeakPassword
from bot.storage import create_engine, upgrade_database
from bot.storage.operators import OperatorExists, SqlOperatorStore

PASSWORD = "correct horse battery"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlOperatorStore]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    await upgrade_database(url)
    engine = create_engine(url)
    yield SqlOperatorStore(engine)
    await engine.dispose()


def auth(store: SqlOperatorStore, ttl_s: float = 3600) -> ConsoleAuth:
    return ConsoleAuth(store, session_ttl_s=ttl_s, max_failures=3, lockout_s=60)


async def test_passwords_are_argon2_hashes_and_weak_ones_are_refused(
    store: SqlOperatorStore,
) -> None:
    with pytest.raises(WeakPassword, match="at least 12"):
        await create_operator(store, "anna", "short", role=OperatorRole.OPERATOR)
    with pytest.raises(WeakPassword, match="login name"):
        await create_operator(store, "anna", "anna-1234567890", role=OperatorRole.OPERATOR)
    with pytest.raises(ValueError, match="login"):
        await create_operator(store, "a b", PASSWORD, role=OperatorRole.OPERATOR)
    created = await create_operator(store, "Anna", PASSWORD, role=OperatorRole.SUPERVISOR)
    assert created.name == "anna" and created.supervisor
    stored = await store.credentials("anna")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    with pytest.raises(OperatorExists):
        await create_operator(store, "anna", PASSWORD, role=OperatorRole.OPERATOR)


async def test_login_session_logout_lockout_and_disable(store: SqlOperatorStore) -> None:
    await create_operator(store, "anna", PASSWORD, role=OperatorRole.OPERATOR)
    console = auth(store)
    operator, token, _ = await console.login(" ANNA ", PASSWORD)
    assert operator.name == "anna"
    assert (await console.operator(token)) == operator
    assert await console.operator("forged-token") is None
    assert await console.operator(None) is None
    await console.logout(token)
    assert await console.operator(token) is None

    for _ in range(3):
        with pytest.raises(BadCredentials):
            await console.login("anna", "wrong password!")
    with pytest.raises(LockedOut):
        await console.login("anna", PASSWORD)

    await store.update_operator("anna", locked_until=None)
    _, token, _ = await console.login("anna", PASSWORD)
    await store.update_operator("anna", active=False)
    assert await console.operator(token) is None, "a disabled operator's session ends"
    with pytest.raises(BadCredentials):
        await console.login("anna", PASSWORD)


async def test_an_expired_session_is_refused(store: SqlOperatorStore) -> None:
    await create_operator(store, "boris", PASSWORD, role=OperatorRole.OPERATOR)
    console = auth(store, ttl_s=0.001)
    _, token, expires = await console.login("boris", PASSWORD)
    assert expires < datetime.now(UTC) + timedelta(seconds=1)
    assert await console.operator(token) is None


def test_cli_adds_lists_and_refuses(tmp_path: Path, clean_env: None) -> None:
    runner = CliRunner()
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
    added = runner.invoke(
        app,
        ["operators", "add", "olga", "--role", "supervisor", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    again = runner.invoke(
        app, ["operators", "add", "olga", "--password-stdin"], input=f"{PASSWORD}\n", env=env
    )
    assert again.exit_code == 1 and "already exists" in again.output
    kept = runner.invoke(
        app,
        ["operators", "add", "olga", "--password-stdin", "--exist-ok"],
        input=f"{PASSWORD}\n",
        env=env,
    )
    assert kept.exit_code == 0 and "unchanged" in kept.output
    weak = runner.invoke(
        app, ["operators", "add", "ivan", "--password-stdin"], input="123\n", env=env
    )
    assert weak.exit_code == 2 and "at least 12" in weak.output
    listed = runner.invoke(app, ["operators", "list"], env=env)
    assert "olga" in listed.output and "supervisor" in listed.output
    assert "ivan" not in listed.output
    report = runner.invoke(app, ["report", "--day", "not-a-date"], env=env)
    assert report.exit_code == 2 and "YYYY-MM-DD" in report.output
