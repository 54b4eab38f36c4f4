"""The bank behind the banking contracts, and what a contract test may do to it.

The demo bank (``examples/bank.json``) plus customers the contracts need of their own: one
whose card a test blocks, one with two active cards, one phone per login test (a phone gets
one code a minute). The sandbox ABS (a real process) and ``bot.banking.FakeBank`` are seeded
with the same customers, so a contract states the same facts about both.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from bot.banking import FakeBank
from integrations.core_banking import CoreBankingClient, CoreBankingConfig
from integrations.core_banking.sandbox import BankData
from tests.conftest import BANK
from tests.support.servers import SANDBOX_TOKEN

BLOCKS_A_CARD = "c-9101"  # one active card, ••7001: the contract blocks it
TWO_ACTIVE_CARDS = "c-9102"  # ••1111 and ••2222, both active
LOGIN_PHONES = {f"+790000002{n:02d}": f"c-92{n:02d}" for n in range(1, 7)}


def _customer(customer_id: str, name: str, phone: str, cards: list[str]) -> dict[str, Any]:
    account = f"408178105000009{customer_id[-4:]}0"
    return {
        "id": customer_id,
        "full_name": name,
        "phone": phone,
        "accounts": [{"id": account, "type": "current", "currency": "RUB", "balance": "100.00"}],
        "cards": [
            {"id": f"card-{customer_id[2:]}-{n}", "last4": last4, "account_id": account}
            for n, last4 in enumerate(cards, 1)
        ],
    }


def contract_bank() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BANK.read_text(encoding="utf-8"))
    data["customers"] += [
        _customer(BLOCKS_A_CARD, "Блокова Вера Ивановна", "+79000000101", ["7001"]),
        _customer(TWO_ACTIVE_CARDS, "Кузнецов Олег Петрович", "+79000000102", ["1111", "2222"]),
        *(
            _customer(customer, f"Клиент для входа {n}", phone, [])
            for n, (phone, customer) in enumerate(LOGIN_PHONES.items(), 1)
        ),
    ]
    return data


def write_contract_bank(directory: Path) -> Path:
    """The contract bank as a sandbox seed file in ``directory``."""
    path = directory / "bank.json"
    path.write_text(json.dumps(contract_bank(), ensure_ascii=False), encoding="utf-8")
    return path


def fake_contract_bank() -> FakeBank:
    return FakeBank(BankData.model_validate(contract_bank()))


class BankControl(Protocol):
    """What a contract test may do to the bank behind an adapter."""

    def last_code(self, phone: str) -> str:
        """The newest one-time code sent to ``phone``."""

    def go_down(self) -> None:
        """Every service of the bank fails from now on (until the test ends)."""


@dataclass
class SandboxControl:
    """The sandbox ABS's control API: its SMS outbox and its fault switch."""

    url: str

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {SANDBOX_TOKEN}"}

    def last_code(self, phone: str) -> str:
        response = httpx.get(
            f"{self.url}/sandbox/outbox", params={"phone": phone}, headers=self._headers()
        )
        response.raise_for_status()
        return str(response.json()["messages"][0]["code"])

    def faults(self, mode: str, delay_s: float = 0) -> None:
        httpx.post(
            f"{self.url}/sandbox/faults",
            json={"mode": mode, "delay_s": delay_s},
            headers=self._headers(),
        ).raise_for_status()

    def go_down(self) -> None:
        self.faults("error")

    def recover(self) -> None:
        self.faults("none")


@dataclass
class FakeBankControl:
    bank: FakeBank

    def last_code(self, phone: str) -> str:
        return self.bank.last_code(phone)

    def go_down(self) -> None:
        self.bank.available = False


@asynccontextmanager
async def abs_client(
    sandbox: str, *, timeout_s: float = 1.0, read_retries: int = 2
) -> AsyncIterator[CoreBankingClient]:
    """A client of the sandbox as production builds one, minus the waits between retries."""
    config = CoreBankingConfig(
        base_url=sandbox,
        token=SANDBOX_TOKEN,
        timeout_s=timeout_s,
        read_retries=read_retries,
        retry_backoff_s=(),
    )
    async with CoreBankingClient(config) as client:
        yield client
