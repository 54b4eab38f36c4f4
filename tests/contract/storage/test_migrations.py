"""The schema's history: every migration goes down and up again, and 0007 turns the old
string-keyed dialogue states into the typed ones (and back)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect

from bot.dialogue.models import Channel
from bot.dialogue.state import (
    AwaitingCode,
    ChooseCard,
    ConfirmBlock,
    DialogueState,
    PendingAction,
)
from bot.storage import SqlConversationStore, create_engine
from bot.storage.migrate import alembic_config, upgrade_database
from tests.contract.storage.conftest import empty_database


async def test_every_migration_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'round-trip.db'}"
    await upgrade_database(url)
    await asyncio.to_thread(command.downgrade, alembic_config(url), "base")
    await upgrade_database(url)
    database = create_engine(url)
    store = SqlConversationStore(database)
    conversation = await store.create_conversation(Channel.WEBCHAT)
    assert await store.get_conversation(conversation.id) == conversation
    await database.dispose()


async def test_migrations_create_the_schema(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'db.sqlite'}"
    await upgrade_database(url)
    await upgrade_database(url)  # idempotent
    engine = create_engine(url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    assert {"conversations", "messages", "handoff_requests", "alembic_version"} <= tables


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty SQL database (no tables) of each kind."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'perimeter.db'}"
    url: str = request.getfixturevalue("postgres_scratch_url")
    await empty_database(url)
    return url


_CONVERSATIONS = sa.table(
    "conversations",
    sa.column("id", sa.String),
    sa.column("channel", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("state", sa.JSON(none_as_null=True)),  # None: SQL NULL, as before revision 0002
)
# Rows as revision 0006 wrote them, and what they mean now.
OLD_STATES: list[tuple[dict[str, str] | None, DialogueState]] = [
    (None, DialogueState()),
    ({}, DialogueState()),
    ({"failed_turns": "1"}, DialogueState(failed_turns=1)),
    ({"login_challenge": "ch-1"}, DialogueState(AwaitingCode("ch-1"))),
    (
        {"login_challenge": "-", "login_failures": "2", "pending_action": "check_balance"},
        DialogueState(AwaitingCode(None, failures=2, then="check_balance")),
    ),
    ({"pending_action": "request_callback"}, DialogueState(PendingAction("request_callback"))),
    ({"pending_block_card": "card-2001-2"}, DialogueState(ConfirmBlock("card-2001-2"))),
    (
        {"choose_card": "block_card", "login_challenge": "ch-9", "pending_action": "next_payment"},
        DialogueState(ChooseCard("block_card", AwaitingCode("ch-9", then="next_payment"))),
    ),
    (
        {"pending_block_card": "card-1", "pending_action": "check_balance", "failed_turns": "1"},
        DialogueState(ConfirmBlock("card-1", PendingAction("check_balance")), failed_turns=1),
    ),
]


async def _states(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(sa.select(_CONVERSATIONS.c.id, _CONVERSATIONS.c.state))
        ).all()
    await engine.dispose()
    return {conversation_id: state for conversation_id, state in rows}


async def test_old_string_keyed_states_are_upgraded_and_downgraded(database_url: str) -> None:
    await upgrade_database(database_url, "0006")
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(
            _CONVERSATIONS.insert(),
            [
                {
                    "id": f"c-{n}",
                    "channel": "webchat",
                    "created_at": datetime.now(UTC),
                    "state": old,
                }
                for n, (old, _) in enumerate(OLD_STATES)
            ],
        )
    await engine.dispose()

    await upgrade_database(database_url)
    database = create_engine(database_url)
    store = SqlConversationStore(database)
    try:
        for n, (_, now) in enumerate(OLD_STATES):
            loaded = await store.get_conversation(f"c-{n}")
            assert loaded is not None and loaded.state == now, f"row {n}"
    finally:
        await database.dispose()
    upgraded = await _states(database_url)
    assert all(upgraded[f"c-{n}"]["version"] == 1 for n in range(1, len(OLD_STATES)))

    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0006")
    downgraded = await _states(database_url)
    assert [downgraded[f"c-{n}"] for n in range(len(OLD_STATES))] == [o for o, _ in OLD_STATES]


async def test_an_unreadable_stored_state_is_an_empty_state(database_url: str) -> None:
    await upgrade_database(database_url)
    database = create_engine(database_url)
    store = SqlConversationStore(database)
    garbage: list[object] = [
        "pending",
        [1, 2],
        {"version": 7},
        {"version": 1, "pending": {"kind": "teleport"}, "failed_turns": 0},
    ]
    try:
        ids = [(await store.create_conversation(Channel.WEBCHAT)).id for _ in garbage]
        async with database.begin() as connection:
            for conversation_id, state in zip(ids, garbage, strict=True):
                await connection.execute(
                    _CONVERSATIONS.update()
                    .where(_CONVERSATIONS.c.id == conversation_id)
                    .values(state=state)
                )
        for conversation_id in ids:
            loaded = await store.get_conversation(conversation_id)
            assert loaded is not None and loaded.state == DialogueState()
    finally:
        await database.dispose()
