"""The customer directory's contract: what the operator console relies on from
``CustomerProfiles``, run against ``FakeCustomerDirectory`` and against ``CustomerDirectory``
over real HTTP to the sandbox ABS; both banks hold the demo bank's customers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.banking import CustomerDirectory, FakeBank, FakeCustomerDirectory
from bot.operators.models import CustomerProfile
from bot.operators.ports import CustomerProfiles
from tests.conftest import BANK
from tests.contract.bank import BankControl, FakeBankControl, SandboxControl, abs_client


class CustomerProfilesContract:
    """What the console shows of an authenticated customer: the name, the phone and the cards
    masked; nothing at all (None, never an error) when the bank cannot say."""

    @pytest.fixture
    def profiles(self) -> CustomerProfiles:
        raise NotImplementedError("each implementation's test class provides its directory")

    @pytest.fixture
    def bank(self) -> BankControl:
        raise NotImplementedError("each implementation's test class controls its bank")

    async def test_a_profile_names_the_customer_with_numbers_masked(
        self, profiles: CustomerProfiles
    ) -> None:
        assert await profiles.profile("c-2002") == CustomerProfile(
            name="Петров Игорь Сергеевич",
            phone="+7 ••• •••-55-66",
            cards=("••0417 (active)", "••9921 (blocked)"),
        )
        smirnova = await profiles.profile("c-2001")
        assert smirnova is not None and smirnova.name == "Смирнова Анна Викторовна"

    async def test_a_customer_the_bank_does_not_know_has_no_profile(
        self, profiles: CustomerProfiles
    ) -> None:
        assert await profiles.profile("c-missing") is None

    async def test_an_outage_shows_no_profile(
        self, profiles: CustomerProfiles, bank: BankControl
    ) -> None:
        bank.go_down()
        assert await profiles.profile("c-2002") is None


class TestFakeCustomerDirectory(CustomerProfilesContract):
    @pytest.fixture
    def fake_bank(self) -> FakeBank:
        return FakeBank.from_file(BANK)

    @pytest.fixture
    def profiles(self, fake_bank: FakeBank) -> FakeCustomerDirectory:
        return FakeCustomerDirectory(fake_bank)

    @pytest.fixture
    def bank(self, fake_bank: FakeBank) -> FakeBankControl:
        return FakeBankControl(fake_bank)


class TestCustomerDirectory(CustomerProfilesContract):
    @pytest.fixture
    async def profiles(self, sandbox: str) -> AsyncIterator[CustomerDirectory]:
        async with abs_client(sandbox) as client:
            yield CustomerDirectory(client)

    @pytest.fixture
    def bank(self, sandbox: str) -> Iterator[SandboxControl]:
        control = SandboxControl(sandbox)
        yield control
        control.recover()
