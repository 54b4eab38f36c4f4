"""The sandbox ABS/CRM: a FastAPI app over its own SQLAlchemy store, seeded from JSON.

It stands in for the bank's core systems in the demo and in tests, over real HTTP, and
implements docs/core-banking-api.md: bearer auth, idempotent writes, one-time codes delivered
to an outbox, CRM records, and injectable faults (errors, malformed JSON, slowness).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from integrations.core_banking.sandbox.seed import BankData
from integrations.core_banking.sandbox.tables import (
    AccountRow,
    CardRow,
    CrmRecordRow,
    CustomerRow,
    IdempotencyRow,
    LoanRow,
    OtpChallengeRow,
    OutboxRow,
    SandboxBase,
    TransactionRow,
)


class SandboxError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


class _Malformed(Exception):
    pass


@dataclass
class SandboxConfig:
    token: str
    otp_ttl_s: float = 300.0
    otp_resend_s: float = 60.0
    otp_max_attempts: int = 5
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass
class Faults:
    mode: Literal["none", "error", "malformed", "slow"] = "none"
    delay_s: float = 0.0


class FaultsIn(BaseModel):
    mode: Literal["none", "error", "malformed", "slow"]
    delay_s: float = Field(default=0.0, ge=0, le=120)


class BlockIn(BaseModel):
    reason: Literal["lost", "stolen", "customer_request", "fraud_suspected"]


class OtpSendIn(BaseModel):
    phone: str


class OtpVerifyIn(BaseModel):
    challenge_id: str
    code: str


class InteractionIn(BaseModel):
    customer_id: str
    channel: str = Field(max_length=32)
    summary: str = Field(max_length=4000)


class TicketIn(BaseModel):
    customer_id: str
    subject: str = Field(max_length=256)
    description: str = Field(max_length=8000)
    priority: Literal["normal", "high"] = "normal"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Sandbox:
    """State and operations; the routes below only translate HTTP."""

    def __init__(self, data: BankData, config: SandboxConfig, database_url: str) -> None:
        self.data = data
        self.config = config
        memory = database_url in ("sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:")
        self.engine = create_async_engine(
            database_url,
            poolclass=StaticPool if memory else None,
            **({"connect_args": {"check_same_thread": False}} if memory else {}),
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.faults = Faults()
        self.write_lock = asyncio.Lock()

    async def start(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(SandboxBase.metadata.drop_all)
            await connection.run_sync(SandboxBase.metadata.create_all)
        async with self.sessions.begin() as session:
            for c in self.data.customers:
                session.add(CustomerRow(id=c.id, full_name=c.full_name, phone=c.phone))
                session.add_all(
                    AccountRow(
                        id=a.id,
                        customer_id=c.id,
                        type=a.type,
                        currency=a.currency,
                        balance=a.balance,
                        credit_limit=a.credit_limit,
                    )
                    for a in c.accounts
                )
                session.add_all(
                    CardRow(
                        id=k.id,
                        customer_id=c.id,
                        last4=k.last4,
                        status=k.status,
                        product=k.product,
                        account_id=k.account_id,
                        block_reason=None,
                    )
                    for k in c.cards
                )
                session.add_all(
                    LoanRow(
                        id=n.id,
                        customer_id=c.id,
                        product=n.product,
                        currency=n.currency,
                        outstanding=n.outstanding,
                        next_payment_date=n.next_payment_date,
                        next_payment_amount=n.next_payment_amount,
                        overdue=n.overdue,
                        overdue_amount=n.overdue_amount,
                    )
                    for n in c.loans
                )
                session.add_all(
                    TransactionRow(
                        id=t.id,
                        customer_id=c.id,
                        account_id=t.account_id,
                        date=t.date,
                        amount=t.amount,
                        currency=t.currency,
                        description=t.description,
                    )
                    for t in c.transactions
                )

    async def stop(self) -> None:
        await self.engine.dispose()

    # --- reads -------------------------------------------------------------------------
    async def customer(self, session: AsyncSession, customer_id: str) -> CustomerRow:
        row = await session.get(CustomerRow, customer_id)
        if row is None:
            raise SandboxError(404, "customer_not_found", "no such customer")
        return row

    async def customer_by_phone(self, session: AsyncSession, phone: str) -> CustomerRow:
        if not phone.startswith("+") or not phone[1:].isdigit():
            raise SandboxError(422, "invalid_phone", "phone must look like +79031112233")
        row = await session.scalar(select(CustomerRow).where(CustomerRow.phone == phone))
        if row is None:
            raise SandboxError(404, "customer_not_found", "no customer with this phone")
        return row

    # --- writes ------------------------------------------------------------------------
    async def idempotent(
        self,
        key: str | None,
        operation: str,
        action: Callable[[AsyncSession], Awaitable[tuple[int, dict[str, Any]]]],
    ) -> JSONResponse:
        if not key:
            raise SandboxError(
                400, "idempotency_key_required", "Idempotency-Key header is required"
            )
        async with self.write_lock, self.sessions.begin() as session:
            seen = await session.get(IdempotencyRow, key)
            if seen is not None:
                if seen.operation != operation:
                    raise SandboxError(
                        422, "idempotency_key_reused", "this key was used for another operation"
                    )
                return JSONResponse(seen.body, status_code=seen.status)
            try:
                status, body = await action(session)
            except SandboxError as exc:
                status, body = exc.status, exc.body()
            session.add(IdempotencyRow(key=key, operation=operation, status=status, body=body))
        return JSONResponse(body, status_code=status)

    async def block_card(
        self, session: AsyncSession, customer_id: str, card_id: str, reason: str
    ) -> tuple[int, dict[str, Any]]:
        await self.customer(session, customer_id)
        card = await session.get(CardRow, card_id)
        if card is None or card.customer_id != customer_id:
            raise SandboxError(404, "card_not_found", "no such card for this customer")
        if card.status == "blocked":
            raise SandboxError(409, "card_already_blocked", "the card is already blocked")
        card.status, card.block_reason = "blocked", reason
        return 200, card_json(card)

    async def send_otp(self, session: AsyncSession, phone: str) -> tuple[int, dict[str, Any]]:
        customer = await self.customer_by_phone(session, phone)
        now = self.config.clock()
        last = await session.scalar(
            select(OtpChallengeRow)
            .where(OtpChallengeRow.phone == phone)
            .order_by(OtpChallengeRow.created_at.desc())
            .limit(1)
        )
        if last and now - _aware(last.created_at) < timedelta(seconds=self.config.otp_resend_s):
            wait = self.config.otp_resend_s - (now - _aware(last.created_at)).total_seconds()
            raise SandboxError(
                429, "otp_rate_limited", "a code was sent recently", retry_after_s=round(wait)
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        challenge = OtpChallengeRow(
            id=secrets.token_urlsafe(12),
            phone=phone,
            customer_id=customer.id,
            code_hash=_code_hash(code),
            created_at=now,
            expires_at=now + timedelta(seconds=self.config.otp_ttl_s),
            attempts=0,
            used=False,
        )
        session.add(challenge)
        session.add(
            OutboxRow(
                phone=phone,
                code=code,
                sent_at=now,
                text=f"Банк Периметр: код для входа {code}. Никому его не сообщайте.",
            )
        )
        return 202, {"challenge_id": challenge.id, "expires_at": challenge.expires_at.isoformat()}

    async def verify_otp(
        self, session: AsyncSession, challenge_id: str, code: str
    ) -> tuple[int, dict[str, Any]]:
        challenge = await session.get(OtpChallengeRow, challenge_id)
        if challenge is None:
            raise SandboxError(404, "challenge_not_found", "no such challenge")
        if challenge.used:
            raise SandboxError(409, "otp_used", "this code was already used")
        if challenge.attempts >= self.config.otp_max_attempts:
            raise SandboxError(423, "otp_locked", "too many wrong codes; request a new one")
        if self.config.clock() > _aware(challenge.expires_at):
            raise SandboxError(410, "otp_expired", "the code has expired; request a new one")
        if not hmac.compare_digest(challenge.code_hash, _code_hash(code.strip())):
            challenge.attempts += 1
            left = self.config.otp_max_attempts - challenge.attempts
            if left <= 0:
                raise SandboxError(423, "otp_locked", "too many wrong codes; request a new one")
            raise SandboxError(400, "invalid_code", "wrong code", attempts_left=left)
        challenge.used = True
        return 200, {"customer_id": challenge.customer_id}

    async def crm_record(
        self, session: AsyncSession, kind: str, customer_id: str, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        await self.customer(session, customer_id)
        status = "open" if kind == "ticket" else "logged"
        row = CrmRecordRow(
            kind=kind,
            customer_id=customer_id,
            payload=payload,
            status=status,
            created_at=self.config.clock(),
        )
        session.add(row)
        await session.flush()
        prefix = "T" if kind == "ticket" else "I"
        body: dict[str, Any] = {"id": f"{prefix}-{row.id:06d}"}
        if kind == "ticket":
            body["status"] = status
        return 201, body


def card_json(card: CardRow) -> dict[str, Any]:
    return {
        "id": card.id,
        "last4": card.last4,
        "status": card.status,
        "product": card.product,
        "account_id": card.account_id,
    }


def _sandbox(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(_sandbox)]
KeyHeader = Annotated[str | None, Header(alias="Idempotency-Key")]


async def _authorized(request: Request, sandbox: SandboxDep) -> None:
    expected = f"Bearer {sandbox.config.token}"
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise SandboxError(401, "unauthorized", "missing or wrong bearer token")


async def _faults(sandbox: SandboxDep) -> None:
    faults = sandbox.faults
    if faults.mode == "slow":
        await asyncio.sleep(faults.delay_s)
    elif faults.mode == "error":
        raise SandboxError(500, "internal_error", "simulated ABS failure")
    elif faults.mode == "malformed":
        raise _Malformed


api = APIRouter(prefix="/api/v1", dependencies=[Depends(_authorized), Depends(_faults)])
control = APIRouter(prefix="/sandbox", dependencies=[Depends(_authorized)])


@api.get("/customers")
async def find_customer(phone: Annotated[str, Query()], sandbox: SandboxDep) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        row = await sandbox.customer_by_phone(session, phone)
    return {"id": row.id, "full_name": row.full_name, "phone": row.phone}


@api.get("/customers/{customer_id}")
async def get_customer(customer_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        row = await sandbox.customer(session, customer_id)
    return {"id": row.id, "full_name": row.full_name, "phone": row.phone}


@api.get("/customers/{customer_id}/accounts")
async def accounts(customer_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        await sandbox.customer(session, customer_id)
        rows = await session.scalars(
            select(AccountRow).where(AccountRow.customer_id == customer_id).order_by(AccountRow.id)
        )
        return {
            "accounts": [
                {
                    "id": a.id,
                    "type": a.type,
                    "currency": a.currency,
                    "balance": _money(a.balance),
                    "credit_limit": _money(a.credit_limit),
                }
                for a in rows
            ]
        }


@api.get("/customers/{customer_id}/loans")
async def loans(customer_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        await sandbox.customer(session, customer_id)
        rows = await session.scalars(
            select(LoanRow).where(LoanRow.customer_id == customer_id).order_by(LoanRow.id)
        )
        return {
            "loans": [
                {
                    "id": n.id,
                    "product": n.product,
                    "currency": n.currency,
                    "outstanding": _money(n.outstanding),
                    "next_payment_date": n.next_payment_date.isoformat()
                    if n.next_payment_date
                    else None,
                    "next_payment_amount": _money(n.next_payment_amount),
                    "overdue": n.overdue,
                    "overdue_amount": _money(n.overdue_amount),
                }
                for n in rows
            ]
        }


@api.get("/customers/{customer_id}/cards")
async def cards(customer_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        await sandbox.customer(session, customer_id)
        rows = await session.scalars(
            select(CardRow).where(CardRow.customer_id == customer_id).order_by(CardRow.id)
        )
        return {"cards": [card_json(k) for k in rows]}


@api.post("/customers/{customer_id}/cards/{card_id}/block")
async def block_card(
    customer_id: str, card_id: str, body: BlockIn, sandbox: SandboxDep, key: KeyHeader = None
) -> Response:
    return await sandbox.idempotent(
        key,
        f"block_card:{customer_id}:{card_id}",
        lambda s: sandbox.block_card(s, customer_id, card_id, body.reason),
    )


@api.get("/customers/{customer_id}/transactions")
async def transactions(
    customer_id: str,
    sandbox: SandboxDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    account_id: str | None = None,
) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        await sandbox.customer(session, customer_id)
        query = select(TransactionRow).where(TransactionRow.customer_id == customer_id)
        if account_id:
            query = query.where(TransactionRow.account_id == account_id)
        rows = await session.scalars(
            query.order_by(TransactionRow.date.desc(), TransactionRow.id.desc()).limit(limit)
        )
        return {
            "transactions": [
                {
                    "id": t.id,
                    "account_id": t.account_id,
                    "date": t.date.isoformat(),
                    "amount": _money(t.amount),
                    "currency": t.currency,
                    "description": t.description,
                }
                for t in rows
            ]
        }


@api.post("/otp/send")
async def otp_send(body: OtpSendIn, sandbox: SandboxDep, key: KeyHeader = None) -> Response:
    return await sandbox.idempotent(key, "otp_send", lambda s: sandbox.send_otp(s, body.phone))


@api.post("/otp/verify")
async def otp_verify(body: OtpVerifyIn, sandbox: SandboxDep, key: KeyHeader = None) -> Response:
    return await sandbox.idempotent(
        key, "otp_verify", lambda s: sandbox.verify_otp(s, body.challenge_id, body.code)
    )


@api.post("/crm/interactions")
async def crm_interaction(
    body: InteractionIn, sandbox: SandboxDep, key: KeyHeader = None
) -> Response:
    payload = {"channel": body.channel, "summary": body.summary}
    return await sandbox.idempotent(
        key,
        "crm_interaction",
        lambda s: sandbox.crm_record(s, "interaction", body.customer_id, payload),
    )


@api.post("/crm/tickets")
async def crm_ticket(body: TicketIn, sandbox: SandboxDep, key: KeyHeader = None) -> Response:
    payload = {"subject": body.subject, "description": body.description, "priority": body.priority}
    return await sandbox.idempotent(
        key,
        "crm_ticket",
        lambda s: sandbox.crm_record(s, "ticket", body.customer_id, payload),
    )


@control.get("/outbox")
async def outbox(sandbox: SandboxDep, phone: str | None = None) -> dict[str, Any]:
    async with sandbox.sessions() as session:
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(50)
        if phone:
            query = query.where(OutboxRow.phone == phone)
        rows = await session.scalars(query)
        return {
            "messages": [
                {
                    "phone": m.phone,
                    "text": m.text,
                    "code": m.code,
                    "sent_at": _aware(m.sent_at).isoformat(),
                }
                for m in rows
            ]
        }


@control.post("/faults")
async def set_faults(body: FaultsIn, sandbox: SandboxDep) -> dict[str, Any]:
    sandbox.faults = Faults(body.mode, body.delay_s)
    return {"mode": body.mode, "delay_s": body.delay_s}


async def _error_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SandboxError)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _malformed_response(request: Request, exc: Exception) -> Response:
    return Response(b'{"truncated": [', media_type="application/json")


_PHONE_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>Sandbox phone: SMS</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto}}
li{{margin:.5rem 0;padding:.5rem;border:1px solid #ccc;border-radius:.5rem}}
small{{color:#666}}</style></head>
<body><h1>Демо-телефон: SMS из песочницы АБС</h1>
<p>Коды, которые «банк» отправил клиентам из examples/bank.json. Страница обновляется сама.</p>
<ul>{items}</ul></body></html>"""


async def _phone_page(sandbox: Sandbox) -> HTMLResponse:
    async with sandbox.sessions() as session:
        rows = await session.scalars(select(OutboxRow).order_by(OutboxRow.id.desc()).limit(10))
        items = "".join(
            f"<li><small>{html.escape(m.phone)} · {_aware(m.sent_at):%H:%M:%S} UTC</small>"
            f"<br>{html.escape(m.text)}</li>"
            for m in rows
        )
    return HTMLResponse(_PHONE_PAGE.format(items=items or "<li>Пока пусто</li>"))


def create_sandbox_app(
    data: BankData,
    *,
    token: str,
    database_url: str = "sqlite+aiosqlite://",
    config: SandboxConfig | None = None,
    demo_phone: bool = False,
) -> FastAPI:
    """``demo_phone`` serves the outbox without the token at ``/demo/phone`` (demo only: the
    sandbox's customers are fictional)."""
    sandbox = Sandbox(data, config or SandboxConfig(token=token), database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sandbox.start()
        try:
            yield
        finally:
            await sandbox.stop()

    app = FastAPI(title="Perimeter sandbox ABS/CRM", version="1.0.0", lifespan=lifespan)
    app.state.sandbox = sandbox
    app.add_exception_handler(SandboxError, _error_response)
    app.add_exception_handler(_Malformed, _malformed_response)
    app.include_router(api)
    app.include_router(control)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if demo_phone:

        @app.get("/demo/phone", include_in_schema=False)
        async def phone() -> HTMLResponse:
            return await _phone_page(sandbox)

    return app
