"""Fakes of the bank's systems: one in-memory bank behind fakes of the account actions, the
one-time codes, the CRM's callbacks and the customer directory.

:class:`FakeBank` is seeded from the same file the sandbox ABS is (``examples/bank.json``), so
the fakes answer with the demo bank's customers. Each fake keeps the observable contract of
the real adapter it stands in for — the same responses with the same values, the same errors
for the same mistakes — and ``tests/contract`` runs both through one suite. They are
deterministic: codes come from a seeded generator, time from an injectable clock; and each
records what it was asked.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bot.dialogue.errors import (
    CodeExpired,
    CodeLocked,
    CodeRateLimited,
    CodeUsed,
    CoreUnavailable,
    UnknownPhone,
    WrongCode,
)
from bot.dialogue.masking import mask_card, mask_phone
from bot.dialogue.models import ActionResponse, ActionResult, CodeSent
from bot.operators.models import CustomerProfile
from integrations.core_banking.sandbox.seed import BankData, SeedCard, SeedCustomer, load_bank_data


def _utter(
    template: str, values: Mapping[str, object] | None = None, **slots: str | None
) -> ActionResult:
    """One uttered response, and the slots it sets (None clears one)."""
    return ActionResult((ActionResponse(template, dict(values or {})),), slots)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass
class SentCode:
    """A one-time code as the bank's SMS gateway sent it."""

    phone: str
    code: str
    sent_at: datetime


@dataclass
class _Challenge:
    phone: str
    customer_id: str
    code: str
    expires_at: datetime
    attempts: int = 0
    used: bool = False


@dataclass
class Ticket:
    """A callback request as the CRM holds it."""

    id: str
    customer_id: str
    handoff_id: str
    summary: str
    urgent: bool


@dataclass
class FakeBank:
    """The bank's customers and the state of its services, in memory.

    ``available`` False is an outage of every service. The one-time code rules are the
    sandbox's: a code lives ``otp_ttl_s``, a phone gets one code per ``otp_resend_s``, and the
    ``otp_max_attempts``-th wrong code locks the challenge.
    """

    data: BankData
    available: bool = True
    otp_ttl_s: float = 300.0
    otp_resend_s: float = 60.0
    otp_max_attempts: int = 5
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    code_seed: int = 0
    outbox: list[SentCode] = field(default_factory=list, init=False)
    tickets: list[Ticket] = field(default_factory=list, init=False)
    _challenges: dict[str, _Challenge] = field(default_factory=dict, init=False, repr=False)
    _codes: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.data = self.data.model_copy(deep=True)  # blocking a card must not touch the seed
        self._codes = random.Random(self.code_seed)  # a fake's codes are no secret

    @classmethod
    def from_file(cls, path: Path) -> FakeBank:
        """A bank seeded from a sandbox seed file such as ``examples/bank.json``."""
        return cls(load_bank_data(path))

    def customer(self, customer_id: str) -> SeedCustomer | None:
        return next((c for c in self.data.customers if c.id == customer_id), None)

    def by_phone(self, phone: str) -> SeedCustomer | None:
        return next((c for c in self.data.customers if c.phone == phone), None)

    def last_code(self, phone: str) -> str:
        """The newest code sent to ``phone`` (what the customer reads on their phone)."""
        return next(sent.code for sent in reversed(self.outbox) if sent.phone == phone)

    # --- the one-time code service -------------------------------------------------------

    def send_otp(self, phone: str) -> CodeSent:
        customer = self.by_phone(phone)
        if customer is None:
            raise UnknownPhone()
        now = self.clock()
        last = next((s for s in reversed(self.outbox) if s.phone == phone), None)
        if last is not None and now - last.sent_at < timedelta(seconds=self.otp_resend_s):
            raise CodeRateLimited(None)
        code = f"{self._codes.randrange(1_000_000):06d}"
        challenge_id = f"challenge-{len(self._challenges) + 1}"
        expires_at = now + timedelta(seconds=self.otp_ttl_s)
        self._challenges[challenge_id] = _Challenge(phone, customer.id, code, expires_at)
        self.outbox.append(SentCode(phone, code, now))
        return CodeSent(challenge_id, expires_at)

    def verify_otp(self, challenge_id: str, code: str) -> str:
        challenge = self._challenges.get(challenge_id)
        if challenge is None:
            raise CodeExpired()
        if challenge.used:
            raise CodeUsed()
        if challenge.attempts >= self.otp_max_attempts:
            raise CodeLocked()
        if self.clock() > challenge.expires_at:
            raise CodeExpired()
        if code.strip() != challenge.code:
            challenge.attempts += 1
            left = self.otp_max_attempts - challenge.attempts
            if left <= 0:
                raise CodeLocked()
            raise WrongCode(left)
        challenge.used = True
        return challenge.customer_id

    # --- the CRM -------------------------------------------------------------------------

    def open_ticket(self, customer_id: str, handoff_id: str, summary: str, urgent: bool) -> str:
        """One ticket per handoff, however often it is asked for (the real CRM call is
        idempotent by handoff)."""
        opened = next((t for t in self.tickets if t.handoff_id == handoff_id), None)
        if opened is not None:
            return opened.id
        if self.customer(customer_id) is None:
            raise CoreUnavailable("NotFound")
        ticket = Ticket(f"T-{len(self.tickets) + 1:06d}", customer_id, handoff_id, summary, urgent)
        self.tickets.append(ticket)
        return ticket.id


@dataclass(frozen=True, slots=True)
class ActionCall:
    """One call of :meth:`FakeAccountActions.run`, as it was made."""

    action: str
    conversation_id: str
    customer_id: str
    slots: Mapping[str, str | None]


class FakeAccountActions:
    """Implements the ``AccountActions`` port over a :class:`FakeBank`, with the responses and
    values of the rasa-sdk actions (see ``integrations.core_banking.actions``); records every
    call in ``calls``."""

    def __init__(self, bank: FakeBank) -> None:
        self.bank = bank
        self.calls: list[ActionCall] = []
        self._reads: dict[str, Callable[[SeedCustomer], ActionResult]] = {
            "check_balance": self._balance,
            "next_payment": self._next_payment,
            "card_status": self._card_status,
            "recent_transactions": self._recent_transactions,
        }

    async def run(
        self,
        action: str,
        *,
        conversation_id: str,
        customer_id: str,
        slots: Mapping[str, str | None],
    ) -> ActionResult:
        self.calls.append(ActionCall(action, conversation_id, customer_id, dict(slots)))
        if action != "block_card" and action not in self._reads:
            raise ValueError(f"no account action {action!r}")
        if not customer_id:
            return _utter("utter_auth_required")
        if not self.bank.available:
            return _utter("utter_core_unavailable", {"action": action})
        customer = self.bank.customer(customer_id)
        if action == "block_card":
            return self._block_card(customer.cards if customer else [], slots)
        if customer is None:
            raise CoreUnavailable("NotFound")
        return self._reads[action](customer)

    def _balance(self, customer: SeedCustomer) -> ActionResult:
        listed = [
            {
                "type": a.type,
                "currency": a.currency,
                "balance": _money(a.balance),
                "last4": a.id[-4:],
            }
            for a in sorted(customer.accounts, key=lambda a: a.id)
        ]
        return _utter("utter_balance", {"accounts": listed})

    def _next_payment(self, customer: SeedCustomer) -> ActionResult:
        loans = [n for n in sorted(customer.loans, key=lambda n: n.id) if n.next_payment_date]
        if not loans:
            return _utter("utter_no_loans")
        listed = [
            {
                "product": n.product,
                "currency": n.currency,
                "date": n.next_payment_date.isoformat() if n.next_payment_date else None,
                "amount": _money(n.next_payment_amount or Decimal(0)),
                "overdue": n.overdue,
                "overdue_amount": _money(n.overdue_amount),
            }
            for n in loans
        ]
        return _utter("utter_next_payment", {"loans": listed})

    def _card_status(self, customer: SeedCustomer) -> ActionResult:
        cards = sorted(customer.cards, key=lambda c: c.id)
        if not cards:
            return _utter("utter_no_cards")
        listed = [{"last4": c.last4, "status": c.status, "product": c.product} for c in cards]
        return _utter("utter_card_status", {"cards": listed})

    def _recent_transactions(self, customer: SeedCustomer) -> ActionResult:
        newest = sorted(customer.transactions, key=lambda t: (t.date, t.id), reverse=True)[:5]
        listed = [
            {
                "date": t.date.isoformat(),
                "amount": _money(t.amount),
                "currency": t.currency,
                "description": t.description,
            }
            for t in newest
        ]
        return _utter("utter_recent_transactions", {"transactions": listed})

    def _block_card(self, cards: list[SeedCard], slots: Mapping[str, str | None]) -> ActionResult:
        """Name the card and ask; block only once the same card is confirmed."""
        cards = sorted(cards, key=lambda c: c.id)
        wanted, pending = slots.get("card_last4"), slots.get("pending_block_card")
        if wanted:
            card = next((c for c in cards if c.last4 == wanted), None)
        else:
            card = next((c for c in cards if c.id == pending), None)
        if card is None and not wanted:
            active = [c for c in cards if c.status == "active"]
            if len(active) > 1:
                chosen = [c.last4 for c in active]
                return _utter("utter_choose_card", {"cards": chosen}, pending_block_card=None)
            card = active[0] if active else None
        if card is None:
            return _utter("utter_card_not_found", {"last4": wanted or ""}, pending_block_card=None)
        if card.status == "blocked":
            return _utter(
                "utter_card_already_blocked", {"last4": card.last4}, pending_block_card=None
            )
        if not (slots.get("block_confirmed") and pending == card.id):
            values = {"last4": card.last4, "card_id": card.id}
            return _utter("utter_confirm_block", values, pending_block_card=card.id)
        card.status = "blocked"
        return _utter(
            "utter_card_blocked",
            {"last4": card.last4},
            pending_block_card=None,
            block_confirmed=None,
        )


class FakeAuthenticator:
    """Implements the ``Authenticator`` port with a :class:`FakeBank`'s one-time codes (read
    them with :meth:`FakeBank.last_code`); ``phones`` lists every phone a code was asked for."""

    def __init__(self, bank: FakeBank) -> None:
        self.bank = bank
        self.phones: list[str] = []

    async def send_code(self, phone: str) -> CodeSent:
        self.phones.append(phone)
        self._check()
        return self.bank.send_otp(phone)

    async def verify_code(self, challenge_id: str, code: str) -> str:
        self._check()
        return self.bank.verify_otp(challenge_id, code)

    def _check(self) -> None:
        if not self.bank.available:
            raise CoreUnavailable("CoreBankingUnavailable")


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    """One call of :meth:`FakeCallbackDesk.request_callback`, as it was made."""

    customer_id: str
    handoff_id: str
    summary: str
    urgent: bool


class FakeCallbackDesk:
    """Implements the ``CallbackDesk`` port with a :class:`FakeBank`'s CRM tickets; records
    every request in ``requests``."""

    def __init__(self, bank: FakeBank) -> None:
        self.bank = bank
        self.requests: list[CallbackRequest] = []

    async def request_callback(
        self, *, customer_id: str, handoff_id: str, summary: str, urgent: bool
    ) -> str:
        self.requests.append(CallbackRequest(customer_id, handoff_id, summary, urgent))
        if not self.bank.available:
            raise CoreUnavailable("CoreBankingUnavailable")
        return self.bank.open_ticket(customer_id, handoff_id, summary, urgent)


class FakeCustomerDirectory:
    """Implements the operators' ``CustomerProfiles`` port with a :class:`FakeBank`'s
    customers, masked as the real directory masks them; None when it cannot say."""

    def __init__(self, bank: FakeBank) -> None:
        self.bank = bank

    async def profile(self, customer_id: str) -> CustomerProfile | None:
        customer = self.bank.customer(customer_id) if self.bank.available else None
        if customer is None:
            return None
        return CustomerProfile(
            name=customer.full_name,
            phone=mask_phone(customer.phone),
            cards=tuple(
                f"{mask_card(card.last4)} ({card.status})"
                for card in sorted(customer.cards, key=lambda c: c.id)
            ),
        )
