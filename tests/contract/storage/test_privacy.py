"""``PersonalRecords``: the conversations a customer was ever in, erasure and the retention
purge — one contract, three homes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.dialogue.models import AuditEntry, AuthMethod, Channel, Resolution, Role
from bot.gateway.models import CallRecord
from bot.privacy.ports import Retention
from bot.storage import Stores
from tests.contract.storage.backends import (
    MemoryStores,
    PostgresStores,
    SqliteStores,
    queued_handoff,
)

LATER = datetime.now(UTC) + timedelta(days=1)


class PersonalRecordsContract:
    async def test_a_customer_is_found_in_every_conversation_even_after_logout(
        self, stores: Stores
    ) -> None:
        conversations, privacy = stores.conversations, stores.privacy
        until = datetime.now(UTC) + timedelta(minutes=15)
        first = await conversations.create_conversation(Channel.WEBCHAT)
        second = await conversations.create_conversation(Channel.TELEGRAM)
        other = await conversations.create_conversation(Channel.WEBCHAT)
        for conversation in (first, second):
            await conversations.set_customer(conversation.id, "c-1", until, AuthMethod.WEB_TOKEN)
            await conversations.set_customer(conversation.id, "c-1", until, AuthMethod.WEB_TOKEN)
        await conversations.set_customer(first.id, None, None, None)  # logged out
        await conversations.set_customer(other.id, "c-2", until, AuthMethod.PHONE_CODE)
        assert await privacy.customer_conversations("c-1") == [first.id, second.id]
        assert await privacy.customer_conversations("c-9") == []

    async def test_erasure_takes_the_conversations_and_what_hangs_off_them(
        self, stores: Stores
    ) -> None:
        conversations, privacy = stores.conversations, stores.privacy
        gone = await queued_handoff(stores, "карта [карта ••6787]")
        kept = await queued_handoff(stores, "другой клиент")
        [typed] = await conversations.list_messages(gone.conversation_id)
        await conversations.seal_message(typed.id, "sealed-1")
        assert await conversations.sealed_texts(gone.conversation_id) == {typed.id: "sealed-1"}
        assert await conversations.sealed_texts(kept.conversation_id) == {}
        await stores.chats.link(42, gone.conversation_id)
        await conversations.add_audit(AuditEntry(gone.conversation_id, "c-1", "balance", "ok", 1))
        assert await privacy.delete_conversations([gone.conversation_id, "no-such"]) == 1
        assert await conversations.get_conversation(gone.conversation_id) is None
        assert await conversations.list_messages(gone.conversation_id) == []
        assert await conversations.sealed_texts(gone.conversation_id) == {}
        assert await stores.queue.handoff(gone.id) is None
        assert await stores.chats.conversation_of(42) is None
        assert await conversations.get_conversation(kept.conversation_id) is not None
        assert await stores.queue.handoff(kept.id) is not None
        audit = await conversations.list_audit(customer_id="c-1")
        assert [e.action for e in audit] == ["balance"], "the audit of operations stays"

    async def test_the_purge_takes_what_is_past_its_time_and_no_open_handoff(
        self, stores: Stores
    ) -> None:
        conversations = stores.conversations
        idle = await conversations.create_conversation(Channel.WEBCHAT)
        await conversations.add_message(idle.id, Role.CUSTOMER, "привет")
        waiting = await queued_handoff(stores)
        closed = await queued_handoff(stores)
        await stores.queue.take(closed.id, "anna")
        await stores.queue.resolve(closed.id, Resolution.RESOLVED, "anna", owner="anna")
        await conversations.add_audit(AuditEntry(idle.id, None, "balance", "ok", 1))
        assert await stores.chats.claim_update(1, {"update_id": 1})
        assert await stores.chats.claim_update(2, {"update_id": 2})
        await stores.chats.finish_update(1)

        nothing = await stores.privacy.purge(
            Retention(
                conversations_before=datetime.now(UTC) - timedelta(days=1),
                audit_before=datetime.now(UTC) - timedelta(days=1),
                telegram_updates_before=datetime.now(UTC) - timedelta(days=1),
            )
        )
        assert (nothing.conversations, nothing.audit_entries, nothing.telegram_updates) == (0, 0, 0)
        purged = await stores.privacy.purge(Retention(LATER, LATER, LATER))
        assert (purged.conversations, purged.audit_entries, purged.telegram_updates) == (2, 1, 1)
        assert await conversations.get_conversation(idle.id) is None
        assert await conversations.get_conversation(closed.conversation_id) is None
        assert await conversations.get_conversation(waiting.conversation_id) is not None
        assert await stores.chats.unfinished_updates() == [{"update_id": 2}]
        assert not await stores.chats.claim_update(2, {"update_id": 2})

    async def test_the_purge_takes_the_gateways_calls_past_the_audits_time(
        self, stores: Stores
    ) -> None:
        calls, now = stores.gateway_calls, datetime.now(UTC)
        call = CallRecord("crm", "chat", "perimeter", "local", "local", 200, 10, 5)
        for days in (400, 370, 1):
            await calls.record_call(dataclasses.replace(call, at=now - timedelta(days=days)))
        await stores.conversations.add_audit(AuditEntry("c-1", None, "balance", "ok", 1))
        purged = await stores.privacy.purge(
            Retention(
                conversations_before=now - timedelta(days=365),
                audit_before=now - timedelta(days=365),
                telegram_updates_before=now - timedelta(days=365),
            )
        )
        assert purged.audit_entries == 2, "the two old calls; the fresh audit entry stays"
        kept = await calls.calls(now - timedelta(days=1000))
        assert [c.at for c in kept] == [now - timedelta(days=1)]
        assert await calls.tokens_since("crm", now - timedelta(days=1000)) == 15


class TestMemory(MemoryStores, PersonalRecordsContract):
    pass


class TestSqlite(SqliteStores, PersonalRecordsContract):
    pass


class TestPostgres(PostgresStores, PersonalRecordsContract):
    pass
