"""The gateway's keys and the audit of its calls in SQL (``bot.gateway.ports``: ``GatewayKeys``,
``GatewayCalls``). Lists and the PII counts are JSON in text columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.gateway.models import ApiKey, CallRecord, Capability, KeyPolicy
from bot.gateway.ports import KeyNameTaken
from bot.storage.coordination import lock_key
from bot.storage.tables import GatewayCallRow, GatewayKeyRow

# A name is unique among the active keys only, which no plain constraint says: on PostgreSQL
# the adding transactions take this lock first, so two of them never both find a name free.
_KEYS_LOCK = lock_key("gateway-keys")


class SqlGatewayStore:
    """Implements ``GatewayKeys`` and ``GatewayCalls``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    # --- keys ----------------------------------------------------------------------------

    async def add_key(self, name: str, key_hash: str, prefix: str, policy: KeyPolicy) -> ApiKey:
        row = GatewayKeyRow(
            name=name,
            key_hash=key_hash,
            prefix=prefix,
            models=json.dumps(list(policy.models)),
            requests_per_minute=policy.requests_per_minute,
            tokens_per_day=policy.tokens_per_day,
            capabilities=json.dumps([c.value for c in policy.capabilities]),
            created_at=datetime.now(UTC),
        )
        async with self._sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _KEYS_LOCK}
                )
            taken = await session.scalar(select(GatewayKeyRow.id).where(_active(name)).limit(1))
            if taken is not None:
                raise KeyNameTaken(name)
            session.add(row)
        return _key(row)

    async def key_by_hash(self, key_hash: str) -> ApiKey | None:
        query = select(GatewayKeyRow).where(GatewayKeyRow.key_hash == key_hash)
        async with self._sessions() as session:
            row = await session.scalar(query)
        return _key(row) if row is not None else None

    async def list_keys(self) -> list[ApiKey]:
        query = select(GatewayKeyRow).order_by(GatewayKeyRow.id)
        async with self._sessions() as session:
            return [_key(row) for row in (await session.scalars(query)).all()]

    async def revoke_key(self, name: str) -> ApiKey | None:
        query = select(GatewayKeyRow).where(_active(name)).limit(1).with_for_update()
        async with self._sessions.begin() as session:
            row = await session.scalar(query)
            if row is None:
                return None
            row.revoked_at = datetime.now(UTC)
        return _key(row)

    # --- calls ---------------------------------------------------------------------------

    async def record_call(self, call: CallRecord) -> None:
        row = GatewayCallRow(
            at=call.at or datetime.now(UTC),
            key_name=call.key_name,
            endpoint=call.endpoint,
            model=call.model,
            upstream=call.upstream,
            upstream_model=call.upstream_model,
            reason=call.reason,
            status=call.status,
            prompt_tokens=call.prompt_tokens,
            completion_tokens=call.completion_tokens,
            latency_ms=call.latency_ms,
            pii=json.dumps(call.pii, sort_keys=True),
            stream=call.stream,
        )
        async with self._sessions.begin() as session:
            session.add(row)

    async def tokens_since(self, key_name: str, since: datetime) -> int:
        spent = func.sum(GatewayCallRow.prompt_tokens + GatewayCallRow.completion_tokens)
        query = select(func.coalesce(spent, 0)).where(
            GatewayCallRow.key_name == key_name, GatewayCallRow.at >= since
        )
        async with self._sessions() as session:
            return int(await session.scalar(query) or 0)

    async def calls(self, since: datetime, limit: int = 1000) -> list[CallRecord]:
        query = (
            select(GatewayCallRow)
            .where(GatewayCallRow.at >= since)
            .order_by(GatewayCallRow.at, GatewayCallRow.id)
            .limit(limit)
        )
        async with self._sessions() as session:
            return [_call(row) for row in (await session.scalars(query)).all()]


def _active(name: str) -> ColumnElement[bool]:
    return and_(GatewayKeyRow.name == name, GatewayKeyRow.revoked_at.is_(None))


def _key(row: GatewayKeyRow) -> ApiKey:
    policy = KeyPolicy(
        models=tuple(str(m) for m in json.loads(row.models)),
        requests_per_minute=row.requests_per_minute,
        tokens_per_day=row.tokens_per_day,
        capabilities=tuple(Capability(c) for c in json.loads(row.capabilities)),
    )
    return ApiKey(str(row.id), row.name, row.prefix, policy, row.created_at, row.revoked_at)


def _call(row: GatewayCallRow) -> CallRecord:
    return CallRecord(
        key_name=row.key_name,
        endpoint=row.endpoint,
        model=row.model,
        upstream=row.upstream,
        upstream_model=row.upstream_model,
        reason=row.reason,
        status=row.status,
        prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens,
        latency_ms=row.latency_ms,
        pii={str(kind): int(count) for kind, count in json.loads(row.pii).items()},
        stream=row.stream,
        at=row.at,
    )
