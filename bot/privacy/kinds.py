"""What the detector finds: a kind of personal data and where it is in the text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PiiKind(StrEnum):
    CARD = "card"
    CVV = "cvv"
    PASSPORT = "passport"
    SNILS = "snils"
    INN = "inn"
    ACCOUNT = "account"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"
    ADDRESS = "address"


# What a redacted value becomes; cards and accounts keep their last four digits (PCI DSS
# allows showing them), so an operator can still tell which card the customer meant.
PLACEHOLDERS: dict[PiiKind, str] = {
    PiiKind.CARD: "[карта ••{last4}]",
    PiiKind.CVV: "[CVV]",
    PiiKind.PASSPORT: "[паспорт]",
    PiiKind.SNILS: "[СНИЛС]",
    PiiKind.INN: "[ИНН]",
    PiiKind.ACCOUNT: "[счёт ••{last4}]",
    PiiKind.PHONE: "[телефон]",
    PiiKind.EMAIL: "[e-mail]",
    PiiKind.NAME: "[имя]",
    PiiKind.ADDRESS: "[адрес]",
}


@dataclass(frozen=True, slots=True)
class Finding:
    kind: PiiKind
    start: int
    end: int
