"""The real customer directory: who an authenticated customer is, for the operator console,
read from the ABS with the phone and card numbers masked."""

from __future__ import annotations

import logging

from bot.dialogue.masking import mask_card, mask_phone
from bot.operators.models import CustomerProfile
from integrations.core_banking.client import CoreBankingClient
from integrations.core_banking.errors import CoreBankingError

log = logging.getLogger(__name__)


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
