"""One contract suite for every ConversationStore: in-memory, SQLite file, PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import MetaData, inspect

from bot.dialogue.models import (
    AuthMethod,
    Channel,
    HandoffReason,
    HandoffRequest,
    HandoffStatus,
    Passage,
    Priority,
    Resolution,
    Role,
    Route,
    SourceRef,
    SummarySource,
)
from bot.dialogue.state import (
    AwaitingCode,
    ChooseCard,
    ConfirmBlock,
    DialogueState,
    PendingAction,
)
from bot.storage import MemoryConversationStore, SqlConversationStore, create_engine
from bot.storage.migrate import alembic_config, upgrade_database
from bot.storage.queue import SqlHandoffQueue


async def _empty_database(url: str) -> None:
    """The shared PostgreSQL keeps whatever an earlier run (maybe of an older branch) left,
    so its tables are dropped as found, not downgraded."""
    engine = create_engine(url)
    async with engine.begin() as connection:

        def drop_everything(sync: Any) -> None:
            found = MetaData()
            found.reflect(bind=sync)
            found.drop_all(bind=sync)

        await connection.run_sync(drop_everything)
    await engine.dispose()


async def _fresh_sql_store(url: str) -> tuple[SqlConversationStore, Any]:
    """An empty, fully migrated database."""
    await _empty_database(url)
    await upgrade_database(url)
    database = create_engine(url)
    return SqlConversationStore(database), database


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    if request.param == "memory":
        yield MemoryConversationStore()
        return
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'perimeter.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    sql, database = await _fresh_sql_store(url)
    yield sql
    await database.dispose()


async def test_conversation_round_trip(store: Any) -> None:
    created = await store.create_conversation(Channel.WEBCHAT, "ru")
    loaded = await store.get_conversation(created.id)
    assert loaded == created
    assert await store.get_conversation("missing") is None
    assert len(created.id) >= 20  # unguessable: the id is the web customer's key


async def test_messages_keep_order_sources_and_limit(store: Any) -> None:
    conversation = await store.create_conversation(Channel.WEBCHAT)
    source = SourceRef("cards-debit-fees", "Обслуживание карт", "Стоимость")
    for i in range(5):
        await store.add_message(conversation.id, Role.CUSTOMER, f"вопрос {i}")
        await store.add_message(
            conversation.id, Role.BOT, f"ответ {i}", route=Route.ANSWER, sources=[source]
        )
    messages = await store.list_messages(conversation.id)
    assert [m.text for m in messages[:2]] == ["вопрос 0", "ответ 0"]
    assert messages[1].sources == (source,)
    assert messages[1].route is Route.ANSWER
    last = await store.list_messages(conversation.id, limit=3)
    assert [m.text for m in last] == ["ответ 3", "вопрос 4", "ответ 4"]
    assert await store.list_messages(conversation.id, limit=0) == []
    assert all(m.created_at.tzinfo is not None for m in messages)


async def test_long_unicode_text_is_kept_exactly(store: Any) -> None:
    conversation = await store.create_conversation(Channel.WEBCHAT)
    text = "Ёжик 🦔 «кавычки»\n\tи перевод строки " + "я" * 19_000
    saved = await store.add_message(conversation.id, Role.CUSTOMER, text)
    assert (await store.list_messages(conversation.id))[0].text == text
    assert saved.text == text


async def _resolve(store: Any, handoff_id: str, resolution: Resolution) -> None:
    """What an operator does through the console (the operator store), or the fake."""
    if isinstance(store, MemoryConversationStore):
        store.update(
            handoff_id,
            status=HandoffStatus.RESOLVED,
            resolution=resolution,
            resolved_at=datetime.now(UTC),
        )
        return
    operators = SqlHandoffQueue(store._sessions.kw["bind"])
    assert await operators.take(handoff_id, "anna")
    assert await operators.resolve(handoff_id, resolution, "anna", owner="anna")


async def test_handoff_lifecycle_as_the_dialogue_records_it(store: Any) -> None:
    conversation = await store.create_conversation(Channel.WEBCHAT)
    assert await store.current_handoff(conversation.id) is None
    trigger = await store.add_message(conversation.id, Role.CUSTOMER, "позовите человека")
    passage = Passage("a", "A", "Текст фрагмента", 0.71, "Раздел")
    request = HandoffRequest(
        conversation.id,
        HandoffReason.FRAUD,
        "- позовите человека",
        trigger.id,
        (passage,),
        priority=Priority.HIGH,
    )
    handoff = await store.add_handoff(request)
    assert handoff.status is HandoffStatus.QUEUED and handoff.priority is Priority.HIGH
    assert handoff.passages[0].text == "Текст фрагмента" and handoff.passages[0].section
    assert await store.current_handoff(conversation.id) == handoff
    assert await store.list_handoffs(conversation.id) == [handoff]

    await store.set_summary(handoff.id, "Клиент оспаривает списание.", SummarySource.MODEL)
    current = await store.current_handoff(conversation.id)
    assert current.summary_source is SummarySource.MODEL
    assert current.summary == "Клиент оспаривает списание."
    assert not await store.rate_handoff(handoff.id, 5), "not resolved yet"
    assert await store.offer_callback(handoff.id) is not None
    assert await store.offer_callback(handoff.id) is None, "offered once"

    await _resolve(store, handoff.id, Resolution.RESOLVED)
    assert await store.close_with_callback(handoff.id, "T-1") is None, "no longer queued"
    assert await store.rate_handoff(handoff.id, 4)
    assert not await store.rate_handoff(handoff.id, 1), "rated once"
    reopened = await store.reopen_handoff(handoff.id)
    assert reopened is not None and reopened.status.open and reopened.resolution is None


async def test_a_queued_handoff_closes_with_a_callback_ticket(store: Any) -> None:
    conversation = await store.create_conversation(Channel.TELEGRAM)
    trigger = await store.add_message(conversation.id, Role.CUSTOMER, "оператор")
    handoff = await store.add_handoff(
        HandoffRequest(conversation.id, HandoffReason.CUSTOMER_REQUEST, "-", trigger.id)
    )
    closed = await store.close_with_callback(handoff.id, "T-000042")
    assert closed is not None and closed.resolution is Resolution.CALLBACK
    assert closed.ticket_id == "T-000042" and closed.status is HandoffStatus.RESOLVED


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


async def test_feedback_only_on_a_bot_message_of_the_same_conversation(store: Any) -> None:
    mine = await store.create_conversation(Channel.TELEGRAM)
    other = await store.create_conversation(Channel.TELEGRAM)
    asked = await store.add_message(mine.id, Role.CUSTOMER, "вопрос")
    answered = await store.add_message(mine.id, Role.BOT, "ответ", route=Route.ANSWER)
    assert await store.set_feedback(mine.id, answered.id, True)
    assert not await store.set_feedback(other.id, answered.id, True), "another conversation"
    assert not await store.set_feedback(mine.id, asked.id, False), "not a bot message"
    assert not await store.set_feedback(mine.id, "not-a-number", False)


async def test_state_customer_audit_and_token_ledger(store: Any) -> None:
    conversation = await store.create_conversation(Channel.WEBCHAT)
    await store.set_state(conversation.id, DialogueState(ConfirmBlock("card-1")))
    until = datetime.now(UTC) + timedelta(minutes=15)
    await store.set_customer(conversation.id, "c-2001", until, AuthMethod.WEB_TOKEN)
    loaded = await store.get_conversation(conversation.id)
    assert loaded.state == DialogueState(ConfirmBlock("card-1"))
    assert loaded.customer_at(datetime.now(UTC)) == "c-2001"
    assert loaded.customer_at(until + timedelta(seconds=1)) is None
    assert await store.claim_token("jti-1", until)
    assert not await store.claim_token("jti-1", until), "a replay"


STATES = [
    DialogueState(),
    DialogueState(AwaitingCode(None, failures=2, then="check_balance"), failed_turns=1),
    DialogueState(PendingAction("request_callback")),
    DialogueState(ConfirmBlock("card-1", AwaitingCode("challenge-2", 1, "next_payment"))),
    DialogueState(ChooseCard("block_card", PendingAction("check_balance"))),
]


@pytest.mark.parametrize("state", STATES, ids=repr)
async def test_every_dialogue_state_is_kept_as_it_was_set(store: Any, state: DialogueState) -> None:
    conversation = await store.create_conversation(Channel.TELEGRAM)
    assert conversation.state == DialogueState()
    await store.set_state(conversation.id, state)
    assert (await store.get_conversation(conversation.id)).state == state


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty SQL database (no tables) of each kind."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'perimeter.db'}"
    url: str = request.getfixturevalue("postgres_url")
    await _empty_database(url)
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
