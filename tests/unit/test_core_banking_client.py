"""The core-banking client against scripted ABS answers (``httpx.MockTransport``): auth,
money as Decimal, tolerant-but-strict parsing, read retries, never-retried writes with
idempotency keys, the error tree, the circuit breaker, and nothing secret in messages or logs."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from decimal import Decimal
from pathlib import Path

import certifi
import httpx
import pytest

from integrations.core_banking import (
    CardAlreadyBlocked,
    CircuitBreaker,
    CircuitOpen,
    CoreBankingClient,
    CoreBankingConfig,
    CoreBankingError,
    CoreBankingMisconfigured,
    CoreBankingRejected,
    CoreBankingUnavailable,
    InvalidCode,
    InvalidPhone,
    MalformedResponse,
    NotFound,
    OtpExpired,
    OtpLocked,
    OtpRateLimited,
    OtpUsed,
    new_idempotency_key,
)

TOKEN = "s3cret-abs-token-7f3a"
PHONE = "+79031112233"
PAN = "4276160012345678"
KEY = "conv-42-block-card-1"

CUSTOMER = {"id": "c-1001", "full_name": "Ivan Petrov", "phone": PHONE}
CURRENT_ACCOUNT: dict[str, object] = {
    "id": "40817810000000001234",
    "type": "current",
    "currency": "RUB",
    "balance": "48210.75",
    "credit_limit": None,
}
ACCOUNTS = {
    "accounts": [
        CURRENT_ACCOUNT,
        {
            "id": "40817810000000005678",
            "type": "credit",
            "currency": "RUB",
            "balance": "-1200.10",
            "credit_limit": "150000.00",
        },
    ]
}
MORTGAGE: dict[str, object] = {
    "id": "l-1",
    "product": "mortgage",
    "currency": "RUB",
    "outstanding": "3150000.00",
    "next_payment_date": "2026-12-05",
    "next_payment_amount": "41250.50",
    "overdue": True,
    "overdue_amount": "0.01",
}
LOANS = {
    "loans": [
        MORTGAGE,
        {
            "id": "l-2",
            "product": "consumer",
            "currency": "RUB",
            "outstanding": "0.00",
            "next_payment_date": None,
            "next_payment_amount": None,
            "overdue": False,
            "overdue_amount": "0.00",
        },
    ]
}
CARD = {
    "id": "card-77",
    "last4": "5678",
    "status": "blocked",
    "product": "Classic",
    "account_id": "40817810000000001234",
}
TRANSACTIONS = {
    "transactions": [
        {
            "id": "t-9",
            "account_id": "40817810000000001234",
            "date": "2026-11-20",
            "amount": "-1250.00",
            "currency": "RUB",
            "description": "Coffee",
        }
    ]
}

Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


def ok(body: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def rejected(status: int, code: str, message: str = "refused", **extra: object) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, **extra}})


class ScriptedAbs:
    """Answers requests in order (the last answer repeats) and records every request."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    @property
    def calls(self) -> int:
        return len(self.requests)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(
    handler: Handler, *, breaker: CircuitBreaker | None = None, **config: object
) -> CoreBankingClient:
    settings: dict[str, object] = {
        "base_url": "https://abs.test",
        "token": TOKEN,
        "retry_backoff_s": (),
        **config,
    }
    return CoreBankingClient(
        CoreBankingConfig(**settings),  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        breaker=breaker,
    )


WRITES: dict[str, Callable[[CoreBankingClient, str], Awaitable[object]]] = {
    "block_card": lambda c, key: c.block_card(
        "c-1001", "card-77", reason="lost", idempotency_key=key
    ),
    "send_otp": lambda c, key: c.send_otp(PHONE, idempotency_key=key),
    "verify_otp": lambda c, key: c.verify_otp("ch-1", "123456", idempotency_key=key),
    "log_interaction": lambda c, key: c.log_interaction(
        "c-1001", "webchat", "asked about balance", idempotency_key=key
    ),
    "open_ticket": lambda c, key: c.open_ticket(
        "c-1001", "Card lost", "Customer lost the card abroad", idempotency_key=key
    ),
}
WRITE_ANSWERS = {
    "block_card": ok(CARD),
    "send_otp": ok({"challenge_id": "ch-1", "expires_at": "2026-11-26T12:05:00+00:00"}, 202),
    "verify_otp": ok({"customer_id": "c-1001"}),
    "log_interaction": ok({"id": "i-1"}, 201),
    "open_ticket": ok({"id": "tk-1", "status": "open"}, 201),
}


# --- requests: auth, paths, parameters -------------------------------------------------


async def test_reads_send_bearer_token_and_encode_the_phone() -> None:
    abs_ = ScriptedAbs(ok(CUSTOMER))
    async with make_client(abs_) as client:
        customer = await client.find_customer_by_phone(PHONE)

    request = abs_.requests[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.url.path == "/api/v1/customers"
    assert request.url.params["phone"] == PHONE  # "+" survives as %2B, not a space
    assert customer.id == "c-1001"
    assert customer.full_name == "Ivan Petrov"


async def test_no_authorization_header_without_a_token() -> None:
    abs_ = ScriptedAbs(ok(CUSTOMER))
    async with make_client(abs_, token=None) as client:
        await client.get_customer("c-1001")
    assert "Authorization" not in abs_.requests[0].headers


async def test_ids_are_escaped_into_one_path_segment() -> None:
    abs_ = ScriptedAbs(ok({"cards": []}))
    async with make_client(abs_) as client:
        await client.cards("c/../../admin")
    assert abs_.requests[0].url.raw_path == b"/api/v1/customers/c%2F..%2F..%2Fadmin/cards"


async def test_transactions_pass_limit_and_account() -> None:
    abs_ = ScriptedAbs(ok(TRANSACTIONS))
    async with make_client(abs_) as client:
        await client.transactions("c-1001", limit=5, account_id="acc-1")
        with pytest.raises(ValueError, match="limit"):
            await client.transactions("c-1001", limit=101)
    assert abs_.calls == 1
    assert dict(abs_.requests[0].url.params) == {"limit": "5", "account_id": "acc-1"}


async def test_outbox_returns_the_sandbox_messages() -> None:
    message = {"phone": PHONE, "text": "Code 123456", "code": "123456", "sent_at": "2026-11-26"}
    abs_ = ScriptedAbs(ok({"messages": [message]}))
    async with make_client(abs_) as client:
        assert await client.outbox(PHONE) == [message]
    assert abs_.requests[0].url.path == "/sandbox/outbox"


# --- parsing -------------------------------------------------------------------------------


def assert_no_float(*models: object) -> None:
    for model in models:
        for field in dataclasses.fields(model):  # type: ignore[arg-type]
            assert not isinstance(getattr(model, field.name), float), field.name


async def test_money_is_decimal_parsed_from_the_string() -> None:
    abs_ = ScriptedAbs(ok(ACCOUNTS), ok(LOANS), ok(TRANSACTIONS))
    async with make_client(abs_) as client:
        current, credit = await client.accounts("c-1001")
        mortgage, repaid = await client.loans("c-1001")
        (coffee,) = await client.transactions("c-1001")

    assert type(current.balance) is Decimal
    assert current.balance == Decimal("48210.75")
    assert str(current.balance) == "48210.75"
    assert current.credit_limit is None
    assert credit.credit_limit == Decimal("150000.00")
    assert credit.balance == Decimal("-1200.10")
    assert mortgage.outstanding == Decimal("3150000.00")
    assert mortgage.next_payment_amount == Decimal("41250.50")
    assert mortgage.overdue_amount == Decimal("0.01")
    assert mortgage.next_payment_date == dt.date(2026, 12, 5)
    assert mortgage.overdue is True
    assert repaid.next_payment_date is None
    assert repaid.next_payment_amount is None
    assert coffee.amount == Decimal("-1250.00")
    assert coffee.date == dt.date(2026, 11, 20)
    assert_no_float(current, credit, mortgage, repaid, coffee)


async def test_unknown_extra_fields_are_ignored() -> None:
    body = {
        "accounts": [{**CURRENT_ACCOUNT, "iban": "RU00", "flags": {"vip": True}}],
        "next_page": None,
    }
    async with make_client(ScriptedAbs(ok(body))) as client:
        (account,) = await client.accounts("c-1001")
    assert account.balance == Decimal("48210.75")


async def test_a_card_may_be_linked_to_no_account() -> None:
    async with make_client(ScriptedAbs(ok({"cards": [{**CARD, "account_id": None}]}))) as client:
        (card,) = await client.cards("c-1001")
    assert card.account_id is None


async def test_otp_challenge_expiry_is_an_aware_datetime() -> None:
    answer = ok({"challenge_id": "ch-1", "expires_at": "2026-11-26T12:05:00"}, 202)
    async with make_client(ScriptedAbs(answer)) as client:
        challenge = await client.send_otp(PHONE, idempotency_key=KEY)
    assert challenge.challenge_id == "ch-1"
    assert challenge.expires_at == dt.datetime(2026, 11, 26, 12, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("account", "field"),
    [
        ({k: v for k, v in CURRENT_ACCOUNT.items() if k != "balance"}, "balance"),
        ({**CURRENT_ACCOUNT, "balance": 48210.75}, "balance"),  # a JSON number
        ({**CURRENT_ACCOUNT, "balance": "NaN"}, "balance"),
        ({**CURRENT_ACCOUNT, "credit_limit": "lots"}, "credit_limit"),
        ({**CURRENT_ACCOUNT, "id": None}, "id"),
    ],
    ids=["missing", "json-number", "nan", "not-a-number", "null-id"],
)
async def test_missing_or_mistyped_field_is_a_malformed_response(
    account: dict[str, object], field: str
) -> None:
    abs_ = ScriptedAbs(ok({"accounts": [account]}))
    async with make_client(abs_) as client:
        with pytest.raises(MalformedResponse) as caught:
            await client.accounts("c-1001")
    assert isinstance(caught.value, CoreBankingUnavailable)
    assert caught.value.operation == "accounts"
    assert f"accounts[0].{field}" in str(caught.value)
    assert abs_.calls == 1  # a malformed body is not retried


@pytest.mark.parametrize(
    "body", [{"loans": "none"}, {}, [], {"loans": [{**MORTGAGE, "overdue": "no"}]}]
)
async def test_wrong_shape_is_a_malformed_response(body: object) -> None:
    async with make_client(ScriptedAbs(ok(body))) as client:
        with pytest.raises(MalformedResponse):
            await client.loans("c-1001")


async def test_invalid_json_is_a_service_side_failure() -> None:
    answer = httpx.Response(200, content=b'{"accounts": [', headers={"content-type": "json"})
    async with make_client(ScriptedAbs(answer)) as client:
        with pytest.raises(CoreBankingUnavailable, match="not valid JSON") as caught:
            await client.accounts("c-1001")
    assert isinstance(caught.value, MalformedResponse)


# --- retries and idempotency ---------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503),
        httpx.Response(502),
        httpx.Response(504),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
    ],
    ids=["503", "502", "504", "connect-error", "read-timeout"],
)
async def test_a_read_is_retried_then_succeeds(failure: httpx.Response | Exception) -> None:
    abs_ = ScriptedAbs(failure, failure, ok(ACCOUNTS))
    async with make_client(abs_, read_retries=2, retry_backoff_s=(0.001,)) as client:
        accounts = await client.accounts("c-1001")
    assert abs_.calls == 3
    assert accounts[0].balance == Decimal("48210.75")


async def test_a_read_gives_up_after_read_retries() -> None:
    abs_ = ScriptedAbs(httpx.Response(503))
    async with make_client(abs_, read_retries=2) as client:
        with pytest.raises(CoreBankingUnavailable) as caught:
            await client.accounts("c-1001")
    assert abs_.calls == 3
    assert caught.value.status == 503


@pytest.mark.parametrize("status", [500, 404, 401])
async def test_a_read_is_not_retried_on_other_statuses(status: int) -> None:
    abs_ = ScriptedAbs(rejected(status, "whatever"), ok(ACCOUNTS))
    async with make_client(abs_, read_retries=2) as client:
        with pytest.raises(CoreBankingError):
            await client.accounts("c-1001")
    assert abs_.calls == 1


@pytest.mark.parametrize("operation", sorted(WRITES))
async def test_every_write_carries_the_callers_idempotency_key(operation: str) -> None:
    abs_ = ScriptedAbs(WRITE_ANSWERS[operation])
    async with make_client(abs_) as client:
        await WRITES[operation](client, KEY)
    request = abs_.requests[0]
    assert request.method == "POST"
    assert request.headers["Idempotency-Key"] == KEY
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("operation", sorted(WRITES))
@pytest.mark.parametrize(
    "failure",
    [httpx.Response(503), httpx.ConnectError("refused"), httpx.ReadTimeout("timed out")],
    ids=["503", "connect-error", "read-timeout"],
)
async def test_a_write_is_never_retried(
    operation: str, failure: httpx.Response | Exception
) -> None:
    abs_ = ScriptedAbs(failure, WRITE_ANSWERS[operation])
    async with make_client(abs_, read_retries=5) as client:
        with pytest.raises(CoreBankingUnavailable):
            await WRITES[operation](client, KEY)
    assert abs_.calls == 1


async def test_a_write_without_a_key_is_refused_before_sending() -> None:
    abs_ = ScriptedAbs(ok(CARD))
    async with make_client(abs_) as client:
        with pytest.raises(ValueError, match="idempotency_key"):
            await client.block_card("c-1001", "card-77", reason="lost", idempotency_key="")
    assert abs_.calls == 0


async def test_write_bodies_follow_the_contract() -> None:
    abs_ = ScriptedAbs(ok(CARD), ok({"id": "tk-1", "status": "open"}, 201))
    async with make_client(abs_) as client:
        card = await client.block_card("c-1001", "card-77", reason="stolen", idempotency_key=KEY)
        ticket = await client.open_ticket("c-1001", "Card", "Lost", idempotency_key=KEY)
    block, tickets = abs_.requests
    assert block.url.path == "/api/v1/customers/c-1001/cards/card-77/block"
    assert json.loads(block.content) == {"reason": "stolen"}
    assert card.status == "blocked"
    assert card.last4 == "5678"
    assert json.loads(tickets.content)["priority"] == "normal"
    assert (ticket.id, ticket.status) == ("tk-1", "open")


def test_new_idempotency_keys_are_unique_hex() -> None:
    first, second = new_idempotency_key(), new_idempotency_key()
    assert first != second
    assert len(first) == 32
    int(first, 16)


# --- error mapping -------------------------------------------------------------------------

READS: dict[str, Callable[[CoreBankingClient], Awaitable[object]]] = {
    "find_customer": lambda c: c.find_customer_by_phone(PHONE),
    "accounts": lambda c: c.accounts("c-1001"),
}


def with_key(
    write: Callable[[CoreBankingClient, str], Awaitable[object]],
) -> Callable[[CoreBankingClient], Awaitable[object]]:
    return lambda client: write(client, KEY)


ALL_CALLS = {**READS, **{name: with_key(write) for name, write in WRITES.items()}}


@pytest.mark.parametrize(
    ("operation", "status", "code", "expected"),
    [
        ("find_customer", 404, "customer_not_found", NotFound),
        ("find_customer", 422, "invalid_phone", InvalidPhone),
        ("accounts", 404, "customer_not_found", NotFound),
        ("block_card", 404, "card_not_found", NotFound),
        ("block_card", 409, "card_already_blocked", CardAlreadyBlocked),
        ("send_otp", 429, "otp_rate_limited", OtpRateLimited),
        ("verify_otp", 410, "otp_expired", OtpExpired),
        ("verify_otp", 423, "otp_locked", OtpLocked),
        ("verify_otp", 409, "otp_used", OtpUsed),
        ("verify_otp", 404, "challenge_not_found", NotFound),
        ("open_ticket", 400, "idempotency_key_required", CoreBankingRejected),
        ("log_interaction", 404, "something_new", NotFound),
    ],
)
async def test_error_codes_map_to_the_tree(
    operation: str, status: int, code: str, expected: type[CoreBankingError]
) -> None:
    async with make_client(ScriptedAbs(rejected(status, code))) as client:
        with pytest.raises(expected) as caught:
            await ALL_CALLS[operation](client)
    error = caught.value
    assert type(error) is expected
    assert isinstance(error, CoreBankingRejected)
    assert (error.operation, error.code, error.status) == (operation, code, status)


async def test_invalid_code_carries_attempts_left() -> None:
    answer = rejected(400, "invalid_code", "wrong code", attempts_left=2)
    async with make_client(ScriptedAbs(answer)) as client:
        with pytest.raises(InvalidCode) as caught:
            await client.verify_otp("ch-1", "000000", idempotency_key=KEY)
    assert caught.value.attempts_left == 2


async def test_a_4xx_without_the_error_envelope_is_still_a_rejection() -> None:
    answer = httpx.Response(422, json={"detail": [{"loc": ["query", "limit"]}]})
    async with make_client(ScriptedAbs(answer)) as client:
        with pytest.raises(CoreBankingRejected) as caught:
            await client.transactions("c-1001")
    assert (caught.value.code, caught.value.status) == (None, 422)


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failure_is_our_misconfiguration(status: int) -> None:
    async with make_client(ScriptedAbs(rejected(status, "unauthorized"))) as client:
        with pytest.raises(CoreBankingMisconfigured) as caught:
            await client.get_customer("c-1001")
    assert not isinstance(caught.value, CoreBankingRejected | CoreBankingUnavailable)
    assert caught.value.status == status


async def test_timeout_is_unavailable() -> None:
    abs_ = ScriptedAbs(httpx.ReadTimeout("timed out"))
    async with make_client(abs_, read_retries=0) as client:
        with pytest.raises(CoreBankingUnavailable, match="timed out") as caught:
            await client.accounts("c-1001")
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)


async def test_unreadable_client_certificate_is_misconfiguration(tmp_path: Path) -> None:
    config = CoreBankingConfig(base_url="https://abs.test", client_cert=tmp_path / "none.pem")
    with pytest.raises(CoreBankingMisconfigured, match="TLS"):
        CoreBankingClient(config)


async def test_private_ca_bundle_is_accepted() -> None:
    config = CoreBankingConfig(base_url="https://abs.test", ca_bundle=Path(certifi.where()))
    async with CoreBankingClient(config):
        pass  # builds an SSLContext: no deprecated ``verify=<str>``, so no warning


# --- circuit breaker -----------------------------------------------------------------------


async def test_breaker_opens_after_n_failures_and_stops_calling() -> None:
    abs_ = ScriptedAbs(httpx.Response(500))
    breaker = CircuitBreaker(failure_threshold=3, reset_after_s=30, clock=FakeClock())
    async with make_client(abs_, breaker=breaker) as client:
        for _ in range(3):
            with pytest.raises(CoreBankingUnavailable):
                await client.accounts("c-1001")
        assert breaker.state == "open"
        with pytest.raises(CircuitOpen) as caught:
            await client.block_card("c-1001", "card-77", reason="lost", idempotency_key=KEY)
    assert abs_.calls == 3
    assert caught.value.operation == "block_card"
    assert isinstance(caught.value, CoreBankingUnavailable)


async def test_read_retries_count_as_one_breaker_failure() -> None:
    abs_ = ScriptedAbs(httpx.Response(503))
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=30, clock=FakeClock())
    async with make_client(abs_, breaker=breaker, read_retries=2) as client:
        with pytest.raises(CoreBankingUnavailable):
            await client.accounts("c-1001")
    assert abs_.calls == 3
    assert breaker.state == "closed"


async def test_breaker_half_opens_after_reset_and_closes_on_success() -> None:
    clock = FakeClock()
    abs_ = ScriptedAbs(httpx.ConnectError("refused"), httpx.ConnectError("refused"), ok(CARD))
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=30, clock=clock)
    async with make_client(abs_, breaker=breaker, read_retries=0) as client:
        for _ in range(2):
            with pytest.raises(CoreBankingUnavailable):
                await client.get_customer("c-1001")
        clock.now += 29.9
        state_before_reset = breaker.state
        clock.now += 0.1
        assert (state_before_reset, breaker.state) == ("open", "half_open")
        await client.block_card("c-1001", "card-77", reason="lost", idempotency_key=KEY)
        assert breaker.state == "closed"
    assert abs_.calls == 3


async def test_a_failed_trial_opens_the_breaker_again() -> None:
    clock = FakeClock()
    abs_ = ScriptedAbs(httpx.Response(500))
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=10, clock=clock)
    async with make_client(abs_, breaker=breaker) as client:
        with pytest.raises(CoreBankingUnavailable):
            await client.accounts("c-1001")
        clock.now += 10
        with pytest.raises(CoreBankingUnavailable) as trial:
            await client.accounts("c-1001")
        assert not isinstance(trial.value, CircuitOpen)
        assert breaker.state == "open"
        with pytest.raises(CircuitOpen):
            await client.accounts("c-1001")
    assert abs_.calls == 2


async def test_half_open_lets_exactly_one_trial_through() -> None:
    clock = FakeClock()
    trial_sent, release = asyncio.Event(), asyncio.Event()
    calls = 0

    async def slow_then_ok(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(500)
        trial_sent.set()
        await release.wait()
        return ok(ACCOUNTS)

    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=5, clock=clock)
    async with make_client(slow_then_ok, breaker=breaker) as client:
        with pytest.raises(CoreBankingUnavailable):
            await client.accounts("c-1001")
        clock.now += 5
        trial = asyncio.create_task(client.accounts("c-1001"))
        await trial_sent.wait()
        with pytest.raises(CircuitOpen):
            await client.accounts("c-1001")
        release.set()
        await trial
    assert calls == 2
    assert breaker.state == "closed"


async def test_rejections_do_not_trip_the_breaker() -> None:
    abs_ = ScriptedAbs(rejected(404, "customer_not_found"))
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=30, clock=FakeClock())
    async with make_client(abs_, breaker=breaker) as client:
        for _ in range(3):
            with pytest.raises(NotFound):
                await client.get_customer("c-404")
    assert breaker.state == "closed"
    assert abs_.calls == 3


async def test_default_breaker_comes_from_the_config() -> None:
    abs_ = ScriptedAbs(httpx.Response(500))
    async with make_client(abs_, breaker_failures=2) as client:
        for _ in range(2):
            with pytest.raises(CoreBankingUnavailable):
                await client.accounts("c-1001")
        assert client.breaker.state == "open"


# --- no secrets in messages or logs --------------------------------------------------------


async def test_errors_and_logs_carry_no_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="integrations.core_banking")
    leaky = f"card {PAN} of {PHONE} already blocked (token {TOKEN})"
    answers = {
        "block_card": rejected(409, "card_already_blocked", leaky),
        "verify_otp": rejected(400, "invalid_code", leaky, attempts_left=1),
        "accounts": httpx.Response(500, text=leaky),
        "find_customer": httpx.Response(200, text=leaky),
    }
    errors: list[CoreBankingError] = []
    for operation, answer in answers.items():
        async with make_client(ScriptedAbs(answer)) as client:
            with pytest.raises(CoreBankingError) as caught:
                await ALL_CALLS[operation](client)
        errors.append(caught.value)

    config = CoreBankingConfig(base_url="https://abs.test", token=TOKEN)
    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [repr(config)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records
    for secret in (PAN, TOKEN, PHONE, "123456", "c-1001", "card-77"):
        assert not any(secret in text for text in texts), secret
