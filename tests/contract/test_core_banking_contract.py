"""The core-banking client against the sandbox ABS over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import httpx
import pytest

from integrations.core_banking import (
    CardAlreadyBlocked,
    CircuitOpen,
    CoreBankingClient,
    CoreBankingConfig,
    CoreBankingMisconfigured,
    CoreBankingUnavailable,
    InvalidCode,
    MalformedResponse,
    NotFound,
    OtpUsed,
    new_idempotency_key,
)
from tests.support.servers import SANDBOX_TOKEN


def faults(sandbox: str, mode: str, delay_s: float = 0) -> None:
    httpx.post(
        f"{sandbox}/sandbox/faults",
        json={"mode": mode, "delay_s": delay_s},
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    ).raise_for_status()


@pytest.fixture
async def client(sandbox: str) -> AsyncIterator[CoreBankingClient]:
    config = CoreBankingConfig(
        base_url=sandbox,
        token=SANDBOX_TOKEN,
        timeout_s=1.0,
        breaker_failures=3,
        breaker_reset_s=60,
        retry_backoff_s=(0.05,),
    )
    async with CoreBankingClient(config) as abs_client:
        yield abs_client
    faults(sandbox, "none")


async def test_reads_parse_exact_money_and_dates(client: CoreBankingClient) -> None:
    customer = await client.find_customer_by_phone("+79031112233")
    assert customer.id == "c-2001"
    accounts = await client.accounts(customer.id)
    assert accounts[0].balance == Decimal("48210.75")
    assert isinstance(accounts[0].balance, Decimal)
    loan = (await client.loans("c-2001"))[0]
    assert (loan.next_payment_date, loan.next_payment_amount) == (
        date(2026, 12, 5),
        Decimal("14870.00"),
    )
    assert await client.loans("c-2002") == []
    credit = next(a for a in await client.accounts("c-2002") if a.type == "credit_card")
    assert credit.credit_limit == Decimal("150000.00")
    assert [c.last4 for c in await client.cards("c-2002")] == ["0417", "9921"]
    assert len(await client.transactions("c-2001", limit=3)) == 3


async def test_rejections_map_to_the_error_tree(client: CoreBankingClient) -> None:
    with pytest.raises(NotFound):
        await client.accounts("c-missing")
    with pytest.raises(NotFound):
        await client.block_card(
            "c-2001", "card-2002-1", reason="lost", idempotency_key=new_idempotency_key()
        )


async def test_block_twice_with_one_key_blocks_once(client: CoreBankingClient) -> None:
    key = new_idempotency_key()
    first = await client.block_card("c-2002", "card-2002-1", reason="lost", idempotency_key=key)
    again = await client.block_card("c-2002", "card-2002-1", reason="lost", idempotency_key=key)
    assert first == again
    assert first.status == "blocked"
    with pytest.raises(CardAlreadyBlocked):
        await client.block_card(
            "c-2002", "card-2002-1", reason="lost", idempotency_key=new_idempotency_key()
        )


async def test_one_time_code_through_the_client(client: CoreBankingClient) -> None:
    challenge = await client.send_otp("+79031112233", idempotency_key=new_idempotency_key())
    code = str((await client.outbox("+79031112233"))[0]["code"])
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidCode) as caught:
        await client.verify_otp(
            challenge.challenge_id, wrong, idempotency_key=new_idempotency_key()
        )
    assert caught.value.attempts_left == 4
    assert (
        await client.verify_otp(challenge.challenge_id, code, idempotency_key=new_idempotency_key())
        == "c-2001"
    )
    with pytest.raises(OtpUsed):
        await client.verify_otp(challenge.challenge_id, code, idempotency_key=new_idempotency_key())


async def test_crm_writes(client: CoreBankingClient) -> None:
    ticket = await client.open_ticket(
        "c-2001",
        "Перезвонить",
        "Клиент просит звонок",
        "high",
        idempotency_key=new_idempotency_key(),
    )
    assert ticket.status == "open"
    assert await client.log_interaction(
        "c-2001", "webchat", "Вопрос о карте", idempotency_key=new_idempotency_key()
    )


async def test_wrong_token_is_misconfiguration(sandbox: str) -> None:
    async with CoreBankingClient(CoreBankingConfig(base_url=sandbox, token="x" * 20)) as bad:
        with pytest.raises(CoreBankingMisconfigured) as caught:
            await bad.accounts("c-2001")
    assert "x" * 20 not in str(caught.value)


async def test_abs_failures_are_unavailable_and_open_the_circuit(
    sandbox: str, client: CoreBankingClient
) -> None:
    faults(sandbox, "malformed")
    with pytest.raises(MalformedResponse):
        await client.accounts("c-2001")
    faults(sandbox, "slow", delay_s=3)
    with pytest.raises(CoreBankingUnavailable):
        await client.accounts("c-2001")
    faults(sandbox, "error")
    with pytest.raises(CoreBankingUnavailable):
        await client.accounts("c-2001")
    assert client.breaker.state == "open"
    faults(sandbox, "none")
    with pytest.raises(CircuitOpen):
        await client.accounts("c-2001")  # not even sent while the circuit is open
