"""The real login: one-time codes sent and checked by the bank's own OTP service, as the
dialogue core's ``Authenticator``; the ABS's refusals become the dialogue's ``AuthError``s."""

from __future__ import annotations

from bot.dialogue.errors import (
    CodeExpired,
    CodeLocked,
    CodeRateLimited,
    CodeUsed,
    CoreUnavailable,
    UnknownPhone,
    WrongCode,
)
from bot.dialogue.models import CodeSent
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
