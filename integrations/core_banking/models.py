"""What the ABS returns, as frozen dataclasses parsed from its JSON.

Money is always :class:`~decimal.Decimal` parsed from the contract's decimal strings (a JSON
number is rejected rather than trusted); dates are ISO. Unknown extra fields are ignored so
the bank can add fields; a missing or mistyped documented field raises :class:`SchemaError`,
which the client turns into ``MalformedResponse``. A nullable field may be ``null`` or absent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeVar

BlockReason = Literal["lost", "stolen", "customer_request", "fraud_suspected"]
TicketPriority = Literal["normal", "high"]

_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_T = TypeVar("_T")


class SchemaError(ValueError):
    """A body that lacks the documented shape; the message names the field, never a value."""


class _Fields:
    """Typed access to one JSON object; ``where`` (e.g. ``accounts[2]``) locates errors."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise SchemaError(f"{where}: expected an object")
        self._data: dict[str, object] = data
        self._where = where

    @property
    def raw(self) -> dict[str, object]:
        return dict(self._data)

    def _get(self, name: str) -> object:
        if name not in self._data:
            raise SchemaError(f"{self._where}.{name}: missing")
        return self._data[name]

    def _wrong(self, name: str, expected: str) -> SchemaError:
        return SchemaError(f"{self._where}.{name}: expected {expected}")

    def _string(self, name: str, expected: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self._wrong(name, expected)
        return value

    def text(self, name: str) -> str:
        return self._string(name, "a string")

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self._wrong(name, "a boolean")
        return value

    def money(self, name: str) -> Decimal:
        value = self._string(name, "a decimal string")
        if not _DECIMAL.fullmatch(value):
            raise self._wrong(name, "a decimal string")
        return Decimal(value)

    def day(self, name: str) -> dt.date:
        value = self._string(name, "an ISO date")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self._wrong(name, "an ISO date") from None  # the cause would quote the value

    def instant(self, name: str) -> dt.datetime:
        """An ISO timestamp; one without an offset is taken as UTC."""
        value = self._string(name, "an ISO timestamp")
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise self._wrong(name, "an ISO timestamp") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)

    def nullable(self, name: str, read: Callable[[str], _T]) -> _T | None:
        return None if self._data.get(name) is None else read(name)

    def objects(self, name: str) -> list[_Fields]:
        value = self._get(name)
        if not isinstance(value, list):
            raise self._wrong(name, "a list")
        return [_Fields(item, f"{self._where}.{name}[{i}]") for i, item in enumerate(value)]


def parse_one(model: Callable[[_Fields], _T], body: object) -> _T:
    """One model from a response body that is the object itself."""
    return model(_Fields(body, "body"))


def parse_list(model: Callable[[_Fields], _T], body: object, key: str) -> list[_T]:
    """The models listed under ``key`` of a response body, e.g. ``{"accounts": [...]}``."""
    return [model(item) for item in _Fields(body, "body").objects(key)]


def parse_text(body: object, key: str) -> str:
    """The string under ``key`` of a response body, e.g. ``{"customer_id": "..."}``."""
    return _Fields(body, "body").text(key)


def parse_objects(body: object, key: str) -> list[dict[str, object]]:
    """The raw objects listed under ``key`` (for sandbox-only endpoints with no model)."""
    return [item.raw for item in _Fields(body, "body").objects(key)]


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    full_name: str
    phone: str

    @classmethod
    def from_fields(cls, f: _Fields) -> Customer:
        return cls(id=f.text("id"), full_name=f.text("full_name"), phone=f.text("phone"))


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    type: str
    currency: str
    balance: Decimal
    credit_limit: Decimal | None

    @classmethod
    def from_fields(cls, f: _Fields) -> Account:
        return cls(
            id=f.text("id"),
            type=f.text("type"),
            currency=f.text("currency"),
            balance=f.money("balance"),
            credit_limit=f.nullable("credit_limit", f.money),
        )


@dataclass(frozen=True, slots=True)
class Loan:
    id: str
    product: str
    currency: str
    outstanding: Decimal
    next_payment_date: dt.date | None
    next_payment_amount: Decimal | None
    overdue: bool
    overdue_amount: Decimal

    @classmethod
    def from_fields(cls, f: _Fields) -> Loan:
        return cls(
            id=f.text("id"),
            product=f.text("product"),
            currency=f.text("currency"),
            outstanding=f.money("outstanding"),
            next_payment_date=f.nullable("next_payment_date", f.day),
            next_payment_amount=f.nullable("next_payment_amount", f.money),
            overdue=f.flag("overdue"),
            overdue_amount=f.money("overdue_amount"),
        )


@dataclass(frozen=True, slots=True)
class Card:
    """``status`` is ``active``, ``blocked`` or ``expired`` today; kept a string so a status
    the bank adds later does not break parsing. ``account_id`` is ``None`` for a card the
    ABS links to no account."""

    id: str
    last4: str
    status: str
    product: str
    account_id: str | None

    @classmethod
    def from_fields(cls, f: _Fields) -> Card:
        return cls(
            id=f.text("id"),
            last4=f.text("last4"),
            status=f.text("status"),
            product=f.text("product"),
            account_id=f.nullable("account_id", f.text),
        )


@dataclass(frozen=True, slots=True)
class Transaction:
    id: str
    account_id: str
    date: dt.date
    amount: Decimal
    currency: str
    description: str

    @classmethod
    def from_fields(cls, f: _Fields) -> Transaction:
        return cls(
            id=f.text("id"),
            account_id=f.text("account_id"),
            date=f.day("date"),
            amount=f.money("amount"),
            currency=f.text("currency"),
            description=f.text("description"),
        )


@dataclass(frozen=True, slots=True)
class OtpChallenge:
    challenge_id: str
    expires_at: dt.datetime

    @classmethod
    def from_fields(cls, f: _Fields) -> OtpChallenge:
        return cls(challenge_id=f.text("challenge_id"), expires_at=f.instant("expires_at"))


@dataclass(frozen=True, slots=True)
class CrmTicket:
    id: str
    status: str

    @classmethod
    def from_fields(cls, f: _Fields) -> CrmTicket:
        return cls(id=f.text("id"), status=f.text("status"))
