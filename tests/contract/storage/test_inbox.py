"""The operators' inbox in every store: canned responses unique per shortcut and language,
private notes erased with their conversation, and the search of past conversations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.dialogue.models import Channel, HandoffReason, Role
from bot.operators.models import ConversationQuery
from bot.storage import Stores
from tests.contract.storage.backends import (
    MemoryStores,
    PostgresStores,
    SqliteStores,
    queued_handoff,
)


class InboxContract:
    async def test_canned_responses_are_kept_replaced_and_deleted(self, stores: Stores) -> None:
        inbox = stores.inbox
        hello = await inbox.save_canned(None, "привет", "ru", "Приветствие", "Здравствуйте!", "s")
        assert hello is not None and hello.updated_by == "s"
        english = await inbox.save_canned(None, "привет", "en", "Greeting", "Hello!", "s")
        assert english is not None  # the same shortcut in another language
        assert await inbox.save_canned(None, "привет", "ru", "Другое", "…", "s") is None
        changed = await inbox.save_canned(
            hello.id, "привет", "ru", "Приветствие", "Добрый день!", "t"
        )
        assert changed is not None and changed.id == hello.id and changed.text == "Добрый день!"
        assert await inbox.save_canned(english.id, "привет", "ru", "x", "y", "s") is None
        assert await inbox.save_canned("999999", "новый", "ru", "x", "y", "s") is None
        listed = await inbox.list_canned()
        assert [(c.shortcut, c.lang, c.text) for c in listed] == [
            ("привет", "en", "Hello!"),
            ("привет", "ru", "Добрый день!"),
        ]
        assert await inbox.delete_canned(hello.id)
        assert not await inbox.delete_canned(hello.id)
        assert [c.lang for c in await inbox.list_canned()] == ["en"]

    async def test_notes_belong_to_their_handoff_and_go_with_its_conversation(
        self, stores: Stores
    ) -> None:
        first = await queued_handoff(stores, "позовите оператора")
        other = await queued_handoff(stores, "мне нужен человек")
        await stores.inbox.add_note(first.id, "anna", "Анна", "Клиент звонил вчера")
        await stores.inbox.add_note(first.id, "sveta", "Светлана", "Проверить лимит")
        await stores.inbox.add_note(other.id, "anna", "Анна", "Другое")
        notes = await stores.inbox.notes(first.id)
        assert [(n.author, n.author_name, n.text) for n in notes] == [
            ("anna", "Анна", "Клиент звонил вчера"),
            ("sveta", "Светлана", "Проверить лимит"),
        ]
        assert all(n.handoff_id == first.id for n in notes)
        assert await stores.privacy.delete_conversations([first.conversation_id]) == 1
        assert await stores.inbox.notes(first.id) == []
        assert [n.text for n in await stores.inbox.notes(other.id)] == ["Другое"]

    async def test_search_by_text_id_reason_and_date(self, stores: Stores) -> None:
        limit = await queued_handoff(
            stores, "Какой ЛИМИТ на снятие наличных?", HandoffReason.LOW_CONFIDENCE
        )
        fraud = await queued_handoff(stores, "я не совершал операцию", HandoffReason.FRAUD)
        plain = await stores.conversations.create_conversation(Channel.TELEGRAM)
        await stores.conversations.add_message(plain.id, Role.CUSTOMER, "лимит по карте")
        search = stores.inbox.search

        found = await search(ConversationQuery(text="лимит"))
        assert [f.conversation_id for f in found] == [limit.conversation_id]
        assert found[0].handoff_id == limit.id and found[0].reason == "low_confidence"
        assert found[0].snippet == "Какой ЛИМИТ на снятие наличных?"
        everyone = await search(ConversationQuery(text="ЛИМИТ", handed_off_only=False))
        assert {f.conversation_id for f in everyone} == {limit.conversation_id, plain.id}
        assert [f.handoff_id for f in everyone if f.conversation_id == plain.id] == [None]

        by_reason = await search(ConversationQuery(reason="fraud"))
        assert [f.conversation_id for f in by_reason] == [fraud.conversation_id]
        by_id = await search(ConversationQuery(conversation_id=fraud.conversation_id))
        assert [f.status for f in by_id] == ["queued"]
        newest_first = await search(ConversationQuery())
        assert [f.conversation_id for f in newest_first] == [
            fraud.conversation_id,
            limit.conversation_id,
        ]
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        assert await search(ConversationQuery(since=tomorrow)) == []
        assert len(await search(ConversationQuery(until=tomorrow, limit=1))) == 1
        assert await search(ConversationQuery(text="100%_")) == []  # LIKE's own signs are text


class TestMemory(MemoryStores, InboxContract):
    pass


class TestSqlite(SqliteStores, InboxContract):
    pass


class TestPostgres(PostgresStores, InboxContract):
    pass
