"""The real callback desk: a callback request is a ticket in the bank's CRM."""

from __future__ import annotations

from bot.dialogue.errors import CoreUnavailable
from integrations.core_banking.client import CoreBankingClient
from integrations.core_banking.errors import CoreBankingError


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
