"""Core-banking (ABS/CRM) integration: the async client of ``docs/core-banking-api.md``.

``CoreBankingClient`` speaks the contract; ``errors`` holds the one exception tree it raises;
``models`` the frozen dataclasses it returns; ``sandbox`` a server implementing the contract.
"""

from integrations.core_banking.breaker import BreakerState, CircuitBreaker
from integrations.core_banking.client import (
    CoreBankingClient,
    CoreBankingConfig,
    Operation,
    new_idempotency_key,
)
from integrations.core_banking.errors import (
    CardAlreadyBlocked,
    CircuitOpen,
    CoreBankingError,
    CoreBankingMisconfigured,
    CoreBankingRejected,
    CoreBankingUnavailable,
    InvalidCode,
    InvalidPhone,
    MalformedResponse,
    NotFound,
    OtpExpired,
    OtpLocked,
    OtpRateLimited,
    OtpUsed,
)
from integrations.core_banking.models import (
    Account,
    BlockReason,
    Card,
    CrmTicket,
    Customer,
    Loan,
    OtpChallenge,
    TicketPriority,
    Transaction,
)

__all__ = [
    "Account",
    "BlockReason",
    "BreakerState",
    "Card",
    "CardAlreadyBlocked",
    "CircuitBreaker",
    "CircuitOpen",
    "CoreBankingClient",
    "CoreBankingConfig",
    "CoreBankingError",
    "CoreBankingMisconfigured",
    "CoreBankingRejected",
    "CoreBankingUnavailable",
    "CrmTicket",
    "Customer",
    "InvalidCode",
    "InvalidPhone",
    "Loan",
    "MalformedResponse",
    "NotFound",
    "Operation",
    "OtpChallenge",
    "OtpExpired",
    "OtpLocked",
    "OtpRateLimited",
    "OtpUsed",
    "TicketPriority",
    "Transaction",
    "new_idempotency_key",
]
