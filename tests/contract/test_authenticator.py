"""The login's contract: what the dialogue's login steps rely on from an ``Authenticator``, run
against ``FakeAuthenticator`` and against ``BankAuthenticator`` over real HTTP to the sandbox
ABS, whose SMS outbox gives the code a phone received.

Every test uses its own customer's phone: a phone gets one code a minute, in both banks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.banking import BankAuthenticator, FakeAuthenticator, FakeBank
from bot.dialogue.errors import (
    CodeExpired,
    CodeLocked,
    CodeRateLimited,
    CodeUsed,
    CoreUnavailable,
    UnknownPhone,
    WrongCode,
)
from bot.dialogue.ports import Authenticator
from tests.contract.bank import (
    LOGIN_PHONES,
    BankControl,
    FakeBankControl,
    SandboxControl,
    abs_client,
    fake_contract_bank,
    write_contract_bank,
)

PHONES = list(LOGIN_PHONES)


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


class AuthenticatorContract:
    """What the login steps rely on: a code proves the customer of the phone it went to, once;
    every refusal is the dialogue's own ``AuthError`` (or ``CoreUnavailable``)."""

    @pytest.fixture
    def authenticator(self) -> Authenticator:
        raise NotImplementedError("each implementation's test class provides its authenticator")

    @pytest.fixture
    def bank(self) -> BankControl:
        raise NotImplementedError("each implementation's test class controls its bank")

    async def test_the_right_code_proves_the_phones_customer_once(
        self, authenticator: Authenticator, bank: BankControl
    ) -> None:
        phone = PHONES[0]
        sent = await authenticator.send_code(phone)
        assert sent.expires_at > datetime.now(UTC)
        code = bank.last_code(phone)
        assert await authenticator.verify_code(sent.challenge_id, code) == LOGIN_PHONES[phone]
        with pytest.raises(CodeUsed):
            await authenticator.verify_code(sent.challenge_id, code)

    async def test_each_wrong_code_costs_an_attempt_until_the_code_locks(
        self, authenticator: Authenticator, bank: BankControl
    ) -> None:
        phone = PHONES[1]
        sent = await authenticator.send_code(phone)
        code = bank.last_code(phone)
        left = []
        for _ in range(4):
            with pytest.raises(WrongCode) as refused:
                await authenticator.verify_code(sent.challenge_id, wrong(code))
            left.append(refused.value.attempts_left)
        assert left == [4, 3, 2, 1]
        with pytest.raises(CodeLocked):
            await authenticator.verify_code(sent.challenge_id, wrong(code))
        with pytest.raises(CodeLocked):
            await authenticator.verify_code(sent.challenge_id, code)

    async def test_a_code_asked_again_too_soon_is_refused_and_the_first_still_works(
        self, authenticator: Authenticator, bank: BankControl
    ) -> None:
        phone = PHONES[2]
        sent = await authenticator.send_code(phone)
        with pytest.raises(CodeRateLimited):
            await authenticator.send_code(phone)
        code = bank.last_code(phone)
        assert await authenticator.verify_code(sent.challenge_id, code) == LOGIN_PHONES[phone]

    async def test_the_codes_of_two_customers_never_cross(
        self, authenticator: Authenticator, bank: BankControl
    ) -> None:
        first, second = PHONES[3], PHONES[4]
        one, other = await authenticator.send_code(first), await authenticator.send_code(second)
        assert one.challenge_id != other.challenge_id
        first_code, second_code = bank.last_code(first), bank.last_code(second)
        with pytest.raises(WrongCode):
            await authenticator.verify_code(other.challenge_id, first_code)
        assert await authenticator.verify_code(one.challenge_id, first_code) == LOGIN_PHONES[first]
        assert (
            await authenticator.verify_code(other.challenge_id, second_code) == LOGIN_PHONES[second]
        )

    @pytest.mark.parametrize("phone", ["+79990000000", "89031112233", "not a phone"])
    async def test_a_phone_the_bank_does_not_know_is_unknown(
        self, authenticator: Authenticator, phone: str
    ) -> None:
        with pytest.raises(UnknownPhone):
            await authenticator.send_code(phone)

    async def test_a_challenge_the_bank_never_issued_is_expired(
        self, authenticator: Authenticator
    ) -> None:
        with pytest.raises(CodeExpired):
            await authenticator.verify_code("no-such-challenge", "123456")

    async def test_an_outage_is_core_unavailable(
        self, authenticator: Authenticator, bank: BankControl
    ) -> None:
        bank.go_down()
        with pytest.raises(CoreUnavailable):
            await authenticator.send_code(PHONES[5])
        with pytest.raises(CoreUnavailable):
            await authenticator.verify_code("no-such-challenge", "123456")


class TestFakeAuthenticator(AuthenticatorContract):
    @pytest.fixture
    def fake_bank(self) -> FakeBank:
        return fake_contract_bank()

    @pytest.fixture
    def authenticator(self, fake_bank: FakeBank) -> FakeAuthenticator:
        return FakeAuthenticator(fake_bank)

    @pytest.fixture
    def bank(self, fake_bank: FakeBank) -> FakeBankControl:
        return FakeBankControl(fake_bank)

    async def test_time_runs_on_its_clock_and_it_records_the_phones(self) -> None:
        now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
        bank = fake_contract_bank()
        bank.clock = lambda: now
        authenticator = FakeAuthenticator(bank)
        phone = PHONES[0]
        sent = await authenticator.send_code(phone)
        assert sent.expires_at == now + timedelta(seconds=bank.otp_ttl_s)
        now += timedelta(seconds=bank.otp_ttl_s + 1)
        with pytest.raises(CodeExpired):
            await authenticator.verify_code(sent.challenge_id, bank.last_code(phone))
        again = await authenticator.send_code(phone)  # the resend interval has passed too
        assert await authenticator.verify_code(again.challenge_id, bank.last_code(phone))
        assert authenticator.phones == [phone, phone]


@pytest.fixture(scope="module")
def sandbox_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_contract_bank(tmp_path_factory.mktemp("bank"))


class TestBankAuthenticator(AuthenticatorContract):
    @pytest.fixture
    async def authenticator(self, sandbox: str) -> AsyncIterator[BankAuthenticator]:
        async with abs_client(sandbox) as client:
            yield BankAuthenticator(client)

    @pytest.fixture
    def bank(self, sandbox: str) -> Iterator[SandboxControl]:
        control = SandboxControl(sandbox)
        yield control
        control.recover()
