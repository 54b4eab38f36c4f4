"""The callback desk's contract: what the handoff's callback step relies on from a
``CallbackDesk``, run against ``FakeCallbackDesk`` and against ``CrmCallbacks`` over real HTTP
to the sandbox ABS's CRM; both banks hold the demo bank's customers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.banking import CrmCallbacks, FakeBank, FakeCallbackDesk
from bot.banking.fake import CallbackRequest
from bot.dialogue.errors import CoreUnavailable
from bot.dialogue.ports import CallbackDesk
from tests.conftest import BANK
from tests.contract.bank import (
    BankControl,
    FakeBankControl,
    SandboxControl,
    abs_client,
)

SMIRNOVA = "c-2001"


def handoff_id() -> str:
    """A handoff of this test alone (the sandbox's CRM lives as long as the module)."""
    return f"handoff-{uuid.uuid4().hex[:12]}"


async def request(desk: CallbackDesk, handoff: str, customer_id: str = SMIRNOVA) -> str:
    return await desk.request_callback(
        customer_id=customer_id, handoff_id=handoff, summary="Клиент просит звонок", urgent=False
    )


class CallbackDeskContract:
    """What the callback step relies on: a ticket id per handoff, the same one however often
    the request is retried, and ``CoreUnavailable`` whenever no ticket could be opened."""

    @pytest.fixture
    def desk(self) -> CallbackDesk:
        raise NotImplementedError("each implementation's test class provides its desk")

    @pytest.fixture
    def bank(self) -> BankControl:
        raise NotImplementedError("each implementation's test class controls its bank")

    async def test_each_handoff_gets_a_ticket_of_its_own(self, desk: CallbackDesk) -> None:
        first, second = await request(desk, handoff_id()), await request(desk, handoff_id())
        assert first and second and first != second

    async def test_a_retried_request_opens_no_second_ticket(self, desk: CallbackDesk) -> None:
        handoff = handoff_id()
        assert await request(desk, handoff) == await request(desk, handoff)

    async def test_a_customer_the_crm_does_not_know_gets_no_ticket(
        self, desk: CallbackDesk
    ) -> None:
        with pytest.raises(CoreUnavailable):
            await request(desk, handoff_id(), customer_id="c-missing")

    async def test_an_outage_is_core_unavailable(
        self, desk: CallbackDesk, bank: BankControl
    ) -> None:
        bank.go_down()
        with pytest.raises(CoreUnavailable):
            await request(desk, handoff_id())


class TestFakeCallbackDesk(CallbackDeskContract):
    @pytest.fixture
    def fake_bank(self) -> FakeBank:
        return FakeBank.from_file(BANK)

    @pytest.fixture
    def desk(self, fake_bank: FakeBank) -> FakeCallbackDesk:
        return FakeCallbackDesk(fake_bank)

    @pytest.fixture
    def bank(self, fake_bank: FakeBank) -> FakeBankControl:
        return FakeBankControl(fake_bank)

    async def test_it_records_each_request_and_numbers_tickets_as_the_crm_does(self) -> None:
        desk = FakeCallbackDesk(FakeBank.from_file(BANK))
        ticket = await desk.request_callback(
            customer_id=SMIRNOVA, handoff_id="h-1", summary="Перезвонить", urgent=True
        )
        assert ticket == "T-000001"
        assert desk.requests == [CallbackRequest(SMIRNOVA, "h-1", "Перезвонить", True)]


class TestCrmCallbacks(CallbackDeskContract):
    @pytest.fixture
    async def desk(self, sandbox: str) -> AsyncIterator[CrmCallbacks]:
        async with abs_client(sandbox) as client:
            yield CrmCallbacks(client)

    @pytest.fixture
    def bank(self, sandbox: str) -> Iterator[SandboxControl]:
        control = SandboxControl(sandbox)
        yield control
        control.recover()
