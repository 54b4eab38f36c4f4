"""The gateway's keys and the audit of its calls in every store: a name unique among the
active keys, revocation, the policy as given, and the tokens a key spent since a moment."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.gateway.models import ALL_MODELS, CallRecord, Capability, KeyPolicy
from bot.gateway.ports import KeyNameTaken
from bot.storage import Stores
from tests.contract.storage.backends import MemoryStores, PostgresStores, SqliteStores

NOW = datetime.now(UTC)


def call(key_name: str, at: datetime, prompt: int = 0, completion: int = 0) -> CallRecord:
    return CallRecord(
        key_name, "chat", "perimeter", "local", "local", 200, prompt, completion, at=at
    )


class GatewayContract:
    async def test_a_name_is_unique_among_active_keys_and_free_again_once_revoked(
        self, stores: Stores
    ) -> None:
        keys = stores.gateway_keys
        first = await keys.add_key("crm", "hash-1", "pk-aaaa", KeyPolicy())
        await keys.add_key("billing", "hash-2", "pk-bbbb", KeyPolicy())
        with pytest.raises(KeyNameTaken):
            await keys.add_key("crm", "hash-3", "pk-cccc", KeyPolicy())
        revoked = await keys.revoke_key("crm")
        assert revoked is not None and revoked.id == first.id and not revoked.active
        assert await keys.revoke_key("crm") is None, "no active key left by that name"
        assert await keys.revoke_key("nobody") is None
        again = await keys.add_key("crm", "hash-3", "pk-cccc", KeyPolicy())
        assert again.id != first.id and again.active
        listed = await keys.list_keys()
        assert [(k.name, k.prefix, k.active) for k in listed] == [
            ("crm", "pk-aaaa", False),
            ("billing", "pk-bbbb", True),
            ("crm", "pk-cccc", True),
        ]

    async def test_a_key_is_found_by_its_hash_revoked_or_not(self, stores: Stores) -> None:
        keys = stores.gateway_keys
        added = await keys.add_key("crm", "hash-1", "pk-aaaa", KeyPolicy())
        assert added.id.isdigit() and added.revoked_at is None
        assert added.created_at.tzinfo is not None
        assert await keys.key_by_hash("hash-1") == added
        assert await keys.key_by_hash("hash-9") is None
        before = datetime.now(UTC)
        await keys.revoke_key("crm")
        found = await keys.key_by_hash("hash-1")
        assert found is not None and found.name == "crm" and not found.active
        assert found.revoked_at is not None and found.revoked_at >= before

    async def test_the_policy_comes_back_as_given(self, stores: Stores) -> None:
        keys = stores.gateway_keys
        policy = KeyPolicy(
            models=("perimeter", "perimeter-kb", "gpt-4o"),
            requests_per_minute=5,
            tokens_per_day=1234,
            capabilities=(Capability.LONG_CONTEXT,),
        )
        await keys.add_key("narrow", "hash-1", "pk-aaaa", policy)
        await keys.add_key("default", "hash-2", "pk-bbbb", KeyPolicy())
        narrow = await keys.key_by_hash("hash-1")
        assert narrow is not None and narrow.policy == policy
        assert narrow.policy.allows("gpt-4o") and not narrow.policy.allows("other")
        assert narrow.policy.capabilities == (Capability.LONG_CONTEXT,)
        default = await keys.key_by_hash("hash-2")
        assert default is not None and default.policy.models == (ALL_MODELS,)
        assert default.policy.capabilities == ()

    async def test_tokens_are_counted_for_that_key_since_the_moment(self, stores: Stores) -> None:
        calls = stores.gateway_calls
        await calls.record_call(call("crm", NOW - timedelta(hours=2), 1000, 1000))
        await calls.record_call(call("crm", NOW - timedelta(minutes=5), 100, 20))
        await calls.record_call(call("crm", NOW, 3, 4))
        await calls.record_call(call("billing", NOW, 500, 500))
        since = NOW - timedelta(hours=1)
        assert await calls.tokens_since("crm", since) == 127
        assert await calls.tokens_since("crm", NOW) == 7, "a call at the moment counts"
        assert await calls.tokens_since("billing", since) == 1000
        assert await calls.tokens_since("nobody", since) == 0
        assert await calls.tokens_since("crm", NOW + timedelta(seconds=1)) == 0

    async def test_calls_come_back_oldest_first_at_most_the_limit(self, stores: Stores) -> None:
        calls = stores.gateway_calls
        await calls.record_call(call("c", NOW - timedelta(minutes=1), 2))
        await calls.record_call(call("a", NOW - timedelta(minutes=3), 1))
        await calls.record_call(call("d", NOW - timedelta(days=2)))
        await calls.record_call(call("b", NOW - timedelta(minutes=2)))
        since = NOW - timedelta(days=1)
        assert [c.key_name for c in await calls.calls(since)] == ["a", "b", "c"]
        assert [c.key_name for c in await calls.calls(since, limit=2)] == ["a", "b"]
        assert await calls.calls(NOW) == []

    async def test_a_call_is_stored_as_given_and_dated_when_undated(self, stores: Stores) -> None:
        calls = stores.gateway_calls
        before = datetime.now(UTC)
        record = CallRecord(
            key_name="crm",
            endpoint="chat",
            model="gpt-4o",
            upstream="cloud",
            upstream_model="big-model",
            reason="pii_pseudonymized",
            status=200,
            prompt_tokens=12,
            completion_tokens=34,
            latency_ms=567,
            pii={"card": 2, "phone": 1},
            stream=True,
        )
        await calls.record_call(record)
        [stored] = await calls.calls(before - timedelta(seconds=1))
        assert stored.at is not None and stored.at >= before and stored.at.tzinfo is not None
        assert stored == dataclasses.replace(record, at=stored.at)
        refused = CallRecord("crm", "embeddings", "x", "", "quota", 429, at=NOW)
        await calls.record_call(refused)
        assert refused in await calls.calls(NOW)


class TestMemory(MemoryStores, GatewayContract):
    pass


class TestSqlite(SqliteStores, GatewayContract):
    pass


class TestPostgres(PostgresStores, GatewayContract):
    pass
