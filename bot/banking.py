"""Adapters from the core-banking integration to the dialogue core's ports.

:class:`RasaAccountActions` runs the rasa-sdk account actions in-process through rasa-sdk's
own executor, with the customer id the engine passes from the authenticated session;
:class:`BankAuthenticator` sends and checks one-time codes through the bank's OTP service.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk.executor import ActionExecutor

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
from integrations.core_banking.actions import bind_actions
from integrations.core_banking.client import CoreBankingClient, new_idempotency_key
from integrations.core_banking.errors import (
    CoreBankingError,
    CoreBankingRejected,
    InvalidCode,
    InvalidPhone,
    NotFound,
    OtpExpired,
    OtpLocked,
    OtpRateLimited,
    OtpUsed,
)

log = logging.getLogger(__name__)

_SLOTS = ("customer_id", "card_last4", "pending_block_card", "block_confirmed")


def action_call(
    action: str, conversation_id: str, slots: Mapping[str, str | None]
) -> dict[str, Any]:
    """The payload Rasa posts to an action server, built for rasa-sdk's executor."""
    return {
        "next_action": action,
        "sender_id": conversation_id,
        "tracker": {
            "sender_id": conversation_id,
            "slots": {name: slots.get(name) for name in _SLOTS},
            "latest_message": {},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
        "domain": {"responses": {}},
        "version": "3.10.0",
    }


class RasaAccountActions:
    """Implements the ``AccountActions`` port."""

    def __init__(self, client: CoreBankingClient) -> None:
        self._executor = ActionExecutor()
        for action in bind_actions(client):
            self._executor.register_action(action)

    async def run(
        self,
        action: str,
        *,
        conversation_id: str,
        customer_id: str,
        slots: Mapping[str, str | None],
    ) -> ActionResult:
        call = action_call(action, conversation_id, {**slots, "customer_id": customer_id})
        try:
            result = await self._executor.run(call)
        except CoreBankingError as exc:
            # The actions handle outages themselves; anything else the ABS refused here
            # (say, the customer record vanished) is not the customer's to fix.
            log.warning("action=%s failed: %s", action, type(exc).__name__)
            raise CoreUnavailable(type(exc).__name__) from None
        if result is None:
            raise CoreUnavailable(f"action {action} returned nothing")
        payload = result.model_dump()
        responses = tuple(
            ActionResponse(str(r.get("response") or r.get("template")), r.get("custom") or {})
            for r in payload["responses"]
        )
        slot_events = {
            str(e["name"]): (None if e.get("value") is None else str(e["value"]))
            for e in payload["events"]
            if e.get("event") == "slot"
        }
        return ActionResult(responses, slot_events)


class BankAuthenticator:
    """Implements the ``Authenticator`` port over the bank's OTP endpoints."""

    def __init__(self, client: CoreBankingClient) -> None:
        self._client = client

    async def send_code(self, phone: str) -> CodeSent:
        try:
            challenge = await self._client.send_otp(phone, idempotency_key=new_idempotency_key())
        except (NotFound, InvalidPhone):
            raise UnknownPhone() from None
        except OtpRateLimited:
            raise CodeRateLimited(None) from None
        except CoreBankingError as exc:
            raise CoreUnavailable(type(exc).__name__) from None
        return CodeSent(challenge.challenge_id, challenge.expires_at)

    async def verify_code(self, challenge_id: str, code: str) -> str:
        try:
            return await self._client.verify_otp(
                challenge_id, code, idempotency_key=new_idempotency_key()
            )
        except InvalidCode as exc:
            raise WrongCode(exc.attempts_left) from None
        except (OtpExpired, NotFound):
            raise CodeExpired() from None
        except OtpLocked:
            raise CodeLocked() from None
        except OtpUsed:
            raise CodeUsed() from None
        except CoreBankingRejected as exc:
            raise CodeExpired() from exc
        except CoreBankingError as exc:
            raise CoreUnavailable(type(exc).__name__) from None


class CrmCallbacks:
    """Implements the ``CallbackDesk`` port: a callback request is a ticket in the bank's CRM.

    The idempotency key is derived from the handoff, so a retried request (a timeout after
    the CRM stored it) never opens a second ticket.
    """

    def __init__(self, client: CoreBankingClient) -> None:
        self._client = client

    async def request_callback(
        self, *, customer_id: str, handoff_id: str, summary: str, urgent: bool
    ) -> str:
        try:
            ticket = await self._client.open_ticket(
                customer_id,
                "Обратный звонок из чата поддержки",
                summary,
                "high" if urgent else "normal",
                idempotency_key=f"perimeter-callback-{handoff_id}",
            )
        except CoreBankingError as exc:
            raise CoreUnavailable(type(exc).__name__) from None
        return ticket.id


class CustomerDirectory:
    """Implements the operators' ``CustomerProfiles`` port: the authenticated customer's
    identity for the operator console, from the ABS."""

    def __init__(self, client: CoreBankingClient) -> None:
        self._client = client

    async def profile(self, customer_id: str) -> CustomerProfile | None:
        try:
            customer = await self._client.get_customer(customer_id)
            cards = await self._client.cards(customer_id)
        except CoreBankingError as exc:
            log.warning("customer profile unavailable: %s", type(exc).__name__)
            return None
        return CustomerProfile(
            name=customer.full_name,
            phone=mask_phone(customer.phone),
            cards=tuple(f"{mask_card(card.last4)} ({card.status})" for card in cards),
        )
