"""Account actions as rasa-sdk actions: tiny, a name and ``async def run``.

Each action reads the customer id from the ``customer_id`` slot, which only the
authentication step sets (never the message text, the history or a model), calls the ABS
through :class:`CoreBankingClient`, and utters a *response name* with structured values:
the channel renders the reply from a template, so figures never pass through a language model.
The same classes run in-process through rasa-sdk's executor and in a bank's existing Rasa
assistant via ``python -m rasa_sdk --actions bot.rasa_actions``.

Responses (the ``template`` of each uttered message, values in ``custom``):
    utter_auth_required            no authenticated customer
    utter_core_unavailable         the ABS is down, slow or answered nonsense
    utter_balance                  {"accounts": [{"type", "currency", "balance", "last4"}]}
    utter_next_payment             {"loans": [{"product", "currency", "date", "amount",
                                    "overdue", "overdue_amount"}]}
    utter_no_loans
    utter_card_status              {"cards": [{"last4", "status", "product"}]}
    utter_no_cards
    utter_card_not_found           {"last4"} (may be empty)
    utter_choose_card              {"cards": ["0417", "5512"]}: several active cards, which one?
    utter_recent_transactions      {"transactions": [{"date", "amount", "currency",
                                    "description"}]}
    utter_confirm_block            {"last4", "card_id"}  -> slot pending_block_card set
    utter_card_blocked             {"last4"}
    utter_card_already_blocked     {"last4"}
"""

from __future__ import annotations

import hashlib
import logging
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from integrations.core_banking.client import CoreBankingClient
from integrations.core_banking.errors import (
    CardAlreadyBlocked,
    CoreBankingMisconfigured,
    CoreBankingUnavailable,
    NotFound,
)

log = logging.getLogger(__name__)
Events = list[dict[str, Any]]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


class AccountAction(Action, ABC):
    """Shared plumbing: the authenticated customer and ABS failures.

    Abstract until a ``client()`` is supplied: :func:`bind_actions` binds an existing client
    (in-process), ``bot/rasa_actions.py`` builds one from settings (standalone server).
    rasa-sdk registers only concrete classes, so these never register half-configured.
    """

    action_name: ClassVar[str] = ""

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def client(self) -> CoreBankingClient: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        customer_id = tracker.get_slot("customer_id")
        if not customer_id:
            dispatcher.utter_message(response="utter_auth_required")
            return []
        try:
            return await self.perform(dispatcher, tracker, str(customer_id))
        except (CoreBankingUnavailable, CoreBankingMisconfigured) as exc:
            log.warning("action=%s failed: %s", self.action_name, type(exc).__name__)
            dispatcher.utter_message(
                response="utter_core_unavailable", json_message={"action": self.action_name}
            )
            return []

    @abstractmethod
    async def perform(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str
    ) -> Events: ...


class CheckBalance(AccountAction):
    action_name = "check_balance"

    async def perform(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str
    ) -> Events:
        accounts = await self.client().accounts(customer_id)
        dispatcher.utter_message(
            response="utter_balance",
            json_message={
                "accounts": [
                    {
                        "type": a.type,
                        "currency": a.currency,
                        "balance": _money(a.balance),
                        "last4": a.id[-4:],
                    }
                    for a in accounts
                ]
            },
        )
        return []


class NextPayment(AccountAction):
    action_name = "next_payment"

    async def perform(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str
    ) -> Events:
        loans = [n for n in await self.client().loans(customer_id) if n.next_payment_date]
        if not loans:
            dispatcher.utter_message(response="utter_no_loans")
            return []
        dispatcher.utter_message(
            response="utter_next_payment",
            json_message={
                "loans": [
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
            },
        )
        return []


class CardStatus(AccountAction):
    action_name = "card_status"

    async def perform(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str
    ) -> Events:
        cards = await self.client().cards(customer_id)
        if not cards:
            dispatcher.utter_message(response="utter_no_cards")
            return []
        dispatcher.utter_message(
            response="utter_card_status",
            json_message={
                "cards": [
                    {"last4": c.last4, "status": c.status, "product": c.product} for c in cards
                ]
            },
        )
        return []


class RecentTransactions(AccountAction):
    action_name = "recent_transactions"

    async def perform(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str
    ) -> Events:
        rows = await self.client().transactions(customer_id, limit=5)
        dispatcher.utter_message(
            response="utter_recent_transactions",
            json_message={
                "transactions": [
                    {
                        "date": t.date.isoformat(),
                        "amount": _money(t.amount),
                        "currency": t.currency,
                        "description": t.description,
                    }
                    for t in rows
                ]
            },
        )
        return []


def block_idempotency_key(conversation_id: str, card_id: str) -> str:
    """One confirmed block in one conversation is one write, however often it is retried."""
    return hashlib.sha256(f"block_card:{conversation_id}:{card_id}".encode()).hexdigest()


class BlockCard(AccountAction):
    """A write in two steps: name the card and ask; block only after explicit confirmation.

    Slots: ``card_last4`` (which card, when the customer has several), ``pending_block_card``
    (set by the first step), ``block_confirmed`` (set by the channel when the customer presses
    the button or answers «да»).
    """

    action_name = "block_card"

    async def perform(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: str
    ) -> Events:
        try:
            cards = await self.client().cards(customer_id)
        except NotFound:
            cards = []
        wanted = tracker.get_slot("card_last4")
        pending = tracker.get_slot("pending_block_card")
        if wanted:
            card = next((c for c in cards if c.last4 == str(wanted)), None)
        else:
            card = next((c for c in cards if c.id == pending), None)
        if card is None and not wanted:
            active = [c for c in cards if c.status == "active"]
            if len(active) > 1:
                dispatcher.utter_message(
                    response="utter_choose_card", json_message={"cards": [c.last4 for c in active]}
                )
                return [SlotSet("pending_block_card", None)]
            card = active[0] if active else None
        if card is None:
            dispatcher.utter_message(
                response="utter_card_not_found", json_message={"last4": wanted or ""}
            )
            return [SlotSet("pending_block_card", None)]
        if card.status == "blocked":
            dispatcher.utter_message(
                response="utter_card_already_blocked", json_message={"last4": card.last4}
            )
            return [SlotSet("pending_block_card", None)]
        if not (tracker.get_slot("block_confirmed") and pending == card.id):
            dispatcher.utter_message(
                response="utter_confirm_block",
                json_message={"last4": card.last4, "card_id": card.id},
            )
            return [SlotSet("pending_block_card", card.id)]
        try:
            await self.client().block_card(
                customer_id,
                card.id,
                reason="customer_request",
                idempotency_key=block_idempotency_key(tracker.sender_id, card.id),
            )
        except CardAlreadyBlocked:
            dispatcher.utter_message(
                response="utter_card_already_blocked", json_message={"last4": card.last4}
            )
        else:
            dispatcher.utter_message(
                response="utter_card_blocked", json_message={"last4": card.last4}
            )
        return [SlotSet("pending_block_card", None), SlotSet("block_confirmed", None)]


ACTIONS: tuple[type[AccountAction], ...] = (
    CheckBalance,
    NextPayment,
    CardStatus,
    RecentTransactions,
    BlockCard,
)


def bind_actions(client: CoreBankingClient) -> list[AccountAction]:
    """Every account action, using ``client`` (for running them in-process)."""

    def bound(cls: type[AccountAction]) -> AccountAction:
        def client_method(self: AccountAction) -> CoreBankingClient:
            return client

        concrete = type(f"Bound{cls.__name__}", (cls,), {"client": client_method})
        action: AccountAction = concrete()
        return action

    return [bound(cls) for cls in ACTIONS]
