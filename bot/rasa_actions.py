"""Entry point for a bank's existing Rasa assistant:

    SANIC_HOST=127.0.0.1 python -m rasa_sdk --actions bot.rasa_actions --port 5055

rasa-sdk registers the concrete action classes defined here; their core-banking client is
built from the same settings as the rest of Perimeter (``PERIMETER_CORE_BANKING__*``) on
first use, in each server worker. The Rasa side must fill the ``customer_id`` slot from its
own authentication.
"""

from __future__ import annotations

from bot.container import build_core_banking_client
from bot.settings import load_settings
from integrations.core_banking import actions
from integrations.core_banking.client import CoreBankingClient


class _FromSettings(actions.AccountAction):
    _built: CoreBankingClient | None = None

    def client(self) -> CoreBankingClient:
        if self._built is None:
            self._built = build_core_banking_client(load_settings())
        return self._built


class CheckBalance(_FromSettings, actions.CheckBalance):
    pass


class NextPayment(_FromSettings, actions.NextPayment):
    pass


class CardStatus(_FromSettings, actions.CardStatus):
    pass


class RecentTransactions(_FromSettings, actions.RecentTransactions):
    pass


class BlockCard(_FromSettings, actions.BlockCard):
    pass
