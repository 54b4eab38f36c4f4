"""The sandbox's seed file: the bank's demo customers, read leniently.

Unknown fields are kept out of the way, never a reason to reject a file; missing optional
fields get defaults; a real mistake (a balance that is not a number) names its place.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SeedAccount(_Lenient):
    id: str
    type: str = "current"
    currency: str = "RUB"
    balance: Decimal
    credit_limit: Decimal | None = None


class SeedCard(_Lenient):
    id: str
    last4: str = Field(pattern=r"^\d{4}$")
    status: str = "active"
    product: str = "debit"
    account_id: str | None = None


class SeedLoan(_Lenient):
    id: str
    product: str = "consumer"
    currency: str = "RUB"
    outstanding: Decimal
    next_payment_date: date | None = None
    next_payment_amount: Decimal | None = None
    overdue: bool = False
    overdue_amount: Decimal = Decimal("0")


class SeedTransaction(_Lenient):
    id: str
    account_id: str
    date: date
    amount: Decimal
    currency: str = "RUB"
    description: str = ""


class SeedCustomer(_Lenient):
    id: str
    full_name: str
    phone: str = Field(pattern=r"^\+\d{10,15}$")
    accounts: list[SeedAccount] = []
    cards: list[SeedCard] = []
    loans: list[SeedLoan] = []
    transactions: list[SeedTransaction] = []


class BankData(_Lenient):
    customers: list[SeedCustomer]


class SeedError(Exception):
    pass


def load_bank_data(path: Path) -> BankData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"{path}: cannot read ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    try:
        data = BankData.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise SeedError(f"{path}: {problems}") from None
    ids = [c.id for c in data.customers]
    if len(ids) != len(set(ids)):
        raise SeedError(f"{path}: duplicate customer ids")
    return data
