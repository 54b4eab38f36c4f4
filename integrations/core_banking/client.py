"""The async HTTP client of the core-banking (ABS/CRM) API, ``docs/core-banking-api.md``.

- One ``httpx.AsyncClient`` per client: bearer token, optional mTLS and private CA, one timeout.
- Reads (GET) are retried on transport errors, timeouts and 502/503/504 with a short backoff;
  writes (POST) are never retried here. Each write carries the caller's ``Idempotency-Key``,
  so the caller may repeat one whose outcome is unknown (``CoreBankingUnavailable``) with the
  same key and the ABS does it at most once.
- A circuit breaker guards every operation (its retries included): transport errors,
  timeouts, 5xx and malformed bodies count as failures; 4xx answers prove the service is up.
- httpx errors and HTTP statuses become the ``errors`` tree here, at the boundary.
- Logs carry the operation, outcome, attempt and latency only: no phone, token, code or id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Literal, Self, TypeVar
from urllib.parse import quote

import httpx

from integrations.core_banking.breaker import CircuitBreaker
from integrations.core_banking.errors import (
    CircuitOpen,
    CoreBankingError,
    CoreBankingMisconfigured,
    CoreBankingUnavailable,
    MalformedResponse,
    error_for_status,
)
from integrations.core_banking.models import (
    Account,
    BlockReason,
    Card,
    CrmTicket,
    Customer,
    Loan,
    OtpChallenge,
    SchemaError,
    TicketPriority,
    Transaction,
    parse_list,
    parse_objects,
    parse_one,
    parse_text,
)

log = logging.getLogger(__name__)

Operation = Literal[
    "find_customer",
    "get_customer",
    "accounts",
    "loans",
    "cards",
    "transactions",
    "block_card",
    "send_otp",
    "verify_otp",
    "log_interaction",
    "open_ticket",
    "outbox",
]

_RETRY_STATUSES = frozenset({502, 503, 504})
_T = TypeVar("_T")


def new_idempotency_key() -> str:
    """A fresh key for a write that has no natural one (a random uuid4, hex)."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class CoreBankingConfig:
    base_url: str
    token: str | None = field(default=None, repr=False)
    client_cert: Path | None = None
    client_key: Path | None = None
    ca_bundle: Path | None = None
    timeout_s: float = 5.0
    read_retries: int = 2
    breaker_failures: int = 5
    breaker_reset_s: float = 30.0
    retry_backoff_s: tuple[float, ...] = (0.1, 0.3)
    """Pause before read retry n (the last value repeats); ``()`` retries at once."""


class CoreBankingClient:
    def __init__(
        self,
        config: CoreBankingConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if config.read_retries < 0:
            raise ValueError("read_retries must not be negative")
        self._config = config
        self._breaker = (
            CircuitBreaker(config.breaker_failures, config.breaker_reset_s)
            if breaker is None
            else breaker
        )
        headers = {"Accept": "application/json"}
        if config.token:
            headers["Authorization"] = f"Bearer {config.token}"
        self._http = httpx.AsyncClient(
            base_url=config.base_url,
            timeout=httpx.Timeout(config.timeout_s),
            headers=headers,
            verify=_tls(config),
            transport=transport,
        )

    @property
    def breaker(self) -> CircuitBreaker:
        """The breaker guarding this client (``breaker.state`` for metrics)."""
        return self._breaker

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- reads ---------------------------------------------------------------------------

    async def find_customer_by_phone(self, phone: str) -> Customer:
        return await self._call(
            "find_customer",
            "GET",
            "/api/v1/customers",
            lambda body: parse_one(Customer.from_fields, body),
            params={"phone": phone},
        )

    async def get_customer(self, customer_id: str) -> Customer:
        return await self._call(
            "get_customer",
            "GET",
            f"/api/v1/customers/{_segment(customer_id)}",
            lambda body: parse_one(Customer.from_fields, body),
        )

    async def accounts(self, customer_id: str) -> list[Account]:
        return await self._call(
            "accounts",
            "GET",
            f"/api/v1/customers/{_segment(customer_id)}/accounts",
            lambda body: parse_list(Account.from_fields, body, "accounts"),
        )

    async def loans(self, customer_id: str) -> list[Loan]:
        return await self._call(
            "loans",
            "GET",
            f"/api/v1/customers/{_segment(customer_id)}/loans",
            lambda body: parse_list(Loan.from_fields, body, "loans"),
        )

    async def cards(self, customer_id: str) -> list[Card]:
        return await self._call(
            "cards",
            "GET",
            f"/api/v1/customers/{_segment(customer_id)}/cards",
            lambda body: parse_list(Card.from_fields, body, "cards"),
        )

    async def transactions(
        self, customer_id: str, *, limit: int = 10, account_id: str | None = None
    ) -> list[Transaction]:
        """The newest ``limit`` (1–100) transactions, newest first."""
        if not 1 <= limit <= 100:
            raise ValueError("limit must be between 1 and 100")
        params: dict[str, str | int] = {"limit": limit}
        if account_id is not None:
            params["account_id"] = account_id
        return await self._call(
            "transactions",
            "GET",
            f"/api/v1/customers/{_segment(customer_id)}/transactions",
            lambda body: parse_list(Transaction.from_fields, body, "transactions"),
            params=params,
        )

    async def outbox(self, phone: str) -> list[dict[str, object]]:
        """Messages the sandbox "sent" to ``phone``, newest first (sandbox only)."""
        return await self._call(
            "outbox",
            "GET",
            "/sandbox/outbox",
            lambda body: parse_objects(body, "messages"),
            params={"phone": phone},
        )

    # --- writes --------------------------------------------------------------------------

    async def block_card(
        self, customer_id: str, card_id: str, *, reason: BlockReason, idempotency_key: str
    ) -> Card:
        """Block a card; returns it, now ``blocked``."""
        return await self._call(
            "block_card",
            "POST",
            f"/api/v1/customers/{_segment(customer_id)}/cards/{_segment(card_id)}/block",
            lambda body: parse_one(Card.from_fields, body),
            body={"reason": reason},
            idempotency_key=idempotency_key,
        )

    async def send_otp(self, phone: str, *, idempotency_key: str) -> OtpChallenge:
        return await self._call(
            "send_otp",
            "POST",
            "/api/v1/otp/send",
            lambda body: parse_one(OtpChallenge.from_fields, body),
            body={"phone": phone},
            idempotency_key=idempotency_key,
        )

    async def verify_otp(self, challenge_id: str, code: str, *, idempotency_key: str) -> str:
        """The id of the customer the code proves; raises ``InvalidCode`` and friends."""
        return await self._call(
            "verify_otp",
            "POST",
            "/api/v1/otp/verify",
            lambda body: parse_text(body, "customer_id"),
            body={"challenge_id": challenge_id, "code": code},
            idempotency_key=idempotency_key,
        )

    async def log_interaction(
        self, customer_id: str, channel: str, summary: str, *, idempotency_key: str
    ) -> str:
        """Record a conversation in the CRM; returns the interaction id."""
        return await self._call(
            "log_interaction",
            "POST",
            "/api/v1/crm/interactions",
            lambda body: parse_text(body, "id"),
            body={"customer_id": customer_id, "channel": channel, "summary": summary},
            idempotency_key=idempotency_key,
        )

    async def open_ticket(
        self,
        customer_id: str,
        subject: str,
        description: str,
        priority: TicketPriority = "normal",
        *,
        idempotency_key: str,
    ) -> CrmTicket:
        return await self._call(
            "open_ticket",
            "POST",
            "/api/v1/crm/tickets",
            lambda body: parse_one(CrmTicket.from_fields, body),
            body={
                "customer_id": customer_id,
                "subject": subject,
                "description": description,
                "priority": priority,
            },
            idempotency_key=idempotency_key,
        )

    # --- plumbing ------------------------------------------------------------------------

    async def _call(
        self,
        operation: Operation,
        method: Literal["GET", "POST"],
        path: str,
        parse: Callable[[object], _T],
        *,
        params: dict[str, str | int] | None = None,
        body: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> _T:
        headers: dict[str, str] = {}
        if method == "POST":
            if not idempotency_key:
                raise ValueError("every write needs an idempotency_key")
            headers["Idempotency-Key"] = idempotency_key
        request = self._http.build_request(method, path, params=params, json=body, headers=headers)
        if not await self._breaker.allow():
            log.warning("core banking %s: circuit open, not called", operation)
            raise CircuitOpen(f"{operation}: circuit open; ABS not called", operation=operation)
        try:
            result = _parse(operation, parse, await self._exchange(operation, request))
        except CoreBankingUnavailable:
            await self._breaker.record_failure()
            raise
        except CoreBankingError:
            await self._breaker.record_success()  # the ABS answered: it is up
            raise
        except BaseException:
            await self._breaker.record_abandoned()
            raise
        await self._breaker.record_success()
        return result

    async def _exchange(self, operation: Operation, request: httpx.Request) -> object:
        """Send ``request`` (retrying a read), return its decoded JSON or raise."""
        retries = self._config.read_retries if request.method == "GET" else 0
        for attempt in range(retries + 1):
            try:
                response = await self._send(operation, request, attempt)
            except CoreBankingUnavailable:
                if attempt == retries:
                    raise
            else:
                if attempt == retries or response.status_code not in _RETRY_STATUSES:
                    return _decode(operation, response)
            await asyncio.sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    async def _send(
        self, operation: Operation, request: httpx.Request, attempt: int
    ) -> httpx.Response:
        started = time.perf_counter()
        outcome: int | str = "cancelled"
        try:
            response = await self._http.send(request)
            outcome = response.status_code
            return response
        except httpx.TimeoutException as exc:
            outcome = "timeout"
            raise CoreBankingUnavailable(
                f"{operation}: ABS timed out", operation=operation
            ) from exc
        except httpx.UnsupportedProtocol as exc:
            outcome = "misconfigured"
            raise CoreBankingMisconfigured(
                f"{operation}: base URL has no http(s) scheme", operation=operation
            ) from exc
        except httpx.RequestError as exc:
            outcome = type(exc).__name__
            raise CoreBankingUnavailable(
                f"{operation}: ABS unreachable ({type(exc).__name__})", operation=operation
            ) from exc
        finally:
            latency_ms = (time.perf_counter() - started) * 1000
            level = logging.INFO if isinstance(outcome, int) and outcome < 500 else logging.WARNING
            log.log(
                level,
                "core banking %s: %s attempt=%d latency_ms=%.0f",
                operation,
                outcome,
                attempt + 1,
                latency_ms,
            )

    def _backoff(self, attempt: int) -> float:
        delays = self._config.retry_backoff_s
        return delays[min(attempt, len(delays) - 1)] if delays else 0.0


def _tls(config: CoreBankingConfig) -> ssl.SSLContext | bool:
    """``True`` (httpx's default trust store) unless a private CA or a client cert is set."""
    if config.ca_bundle is None and config.client_cert is None:
        if config.client_key is not None:
            raise CoreBankingMisconfigured(
                "client_key is set without client_cert", operation="configure"
            )
        return True
    try:
        context = (
            ssl.create_default_context(cafile=config.ca_bundle)
            if config.ca_bundle is not None
            else httpx.create_ssl_context()
        )
        if config.client_cert is not None:
            context.load_cert_chain(config.client_cert, config.client_key)
    except (OSError, ssl.SSLError) as exc:
        raise CoreBankingMisconfigured(
            f"TLS files could not be loaded ({type(exc).__name__})", operation="configure"
        ) from exc
    return context


def _segment(value: str) -> str:
    """``value`` as one URL path segment (an id can never reach another route)."""
    if value in {"", ".", ".."}:
        raise ValueError("not a valid identifier")
    return quote(value, safe="")


def _decode(operation: Operation, response: httpx.Response) -> object:
    status = response.status_code
    if response.is_success:
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError as exc:
            raise MalformedResponse(
                f"{operation}: response is not valid JSON", operation=operation, status=status
            ) from exc
    try:
        body: object = json.loads(response.content, parse_float=Decimal)
    except ValueError:
        body = None
    raise error_for_status(operation, status, body)


def _parse(operation: Operation, parse: Callable[[object], _T], payload: object) -> _T:
    try:
        return parse(payload)
    except SchemaError as exc:
        raise MalformedResponse(
            f"{operation}: malformed response ({exc})", operation=operation
        ) from exc
