"""The bank's systems as the dialogue's and the operators' ports: account actions, login by
one-time code, callback tickets in the CRM, and customer profiles for the console.

Each real adapter speaks to the ABS through ``integrations.core_banking`` and translates its
errors into the dialogue's; each has a fake beside it, all over one in-memory
:class:`FakeBank` seeded like the sandbox ABS. ``tests/contract`` holds every fake and its real
adapter to one suite.
"""

from bot.banking.actions import RasaAccountActions
from bot.banking.authenticator import BankAuthenticator
from bot.banking.callbacks import CrmCallbacks
from bot.banking.fake import (
    FakeAccountActions,
    FakeAuthenticator,
    FakeBank,
    FakeCallbackDesk,
    FakeCustomerDirectory,
)
from bot.banking.profiles import CustomerDirectory

__all__ = [
    "BankAuthenticator",
    "CrmCallbacks",
    "CustomerDirectory",
    "FakeAccountActions",
    "FakeAuthenticator",
    "FakeBank",
    "FakeCallbackDesk",
    "FakeCustomerDirectory",
    "RasaAccountActions",
]
