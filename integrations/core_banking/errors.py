"""Every failure of a core-banking (ABS/CRM) call, as one exception tree.

::

    CoreBankingError                  .operation, .code, .status on every error
    ├── CoreBankingUnavailable        transport error, timeout, 5xx (service side; a write's
    │   │                             outcome is unknown — repeat it with the same key)
    │   ├── MalformedResponse         2xx body that is not JSON or not the documented shape
    │   └── CircuitOpen               the breaker is open; no request was sent
    ├── CoreBankingRejected           the ABS answered and refused (4xx with an error code)
    │   ├── NotFound                  customer_not_found, card_not_found, challenge_not_found
    │   ├── InvalidPhone              invalid_phone
    │   ├── CardAlreadyBlocked        card_already_blocked
    │   ├── InvalidCode               invalid_code (.attempts_left)
    │   ├── OtpExpired                otp_expired
    │   ├── OtpLocked                 otp_locked
    │   ├── OtpUsed                   otp_used
    │   └── OtpRateLimited            otp_rate_limited
    └── CoreBankingMisconfigured      401/403/3xx or unusable TLS files: our side is wrong
                                      (not retried, not the customer's fault)

Messages are built from the operation label, the HTTP status and the ABS error code only:
never the ABS's free-text message (it may echo a card or account number), a token, a phone
number or an identifier.
"""

from __future__ import annotations


class CoreBankingError(Exception):
    """Base of the tree. ``operation`` is a bounded label such as ``"block_card"``."""

    def __init__(
        self, message: str, *, operation: str, code: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.code = code
        self.status = status


class CoreBankingUnavailable(CoreBankingError):
    """The service could not give an answer; counts as a circuit-breaker failure."""


class MalformedResponse(CoreBankingUnavailable):
    """A success response whose body is not valid JSON or lacks documented fields."""


class CircuitOpen(CoreBankingUnavailable):
    """Raised without sending anything while the circuit breaker is open."""


class CoreBankingRejected(CoreBankingError):
    """The ABS is up and refused this request; ``code`` says why (``None`` if it did not)."""


class NotFound(CoreBankingRejected):
    pass


class InvalidPhone(CoreBankingRejected):
    pass


class CardAlreadyBlocked(CoreBankingRejected):
    pass


class InvalidCode(CoreBankingRejected):
    """A wrong one-time code; ``attempts_left`` is ``None`` when the ABS did not say."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        attempts_left: int | None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, operation=operation, code=code, status=status)
        self.attempts_left = attempts_left


class OtpExpired(CoreBankingRejected):
    pass


class OtpLocked(CoreBankingRejected):
    pass


class OtpUsed(CoreBankingRejected):
    pass


class OtpRateLimited(CoreBankingRejected):
    pass


class CoreBankingMisconfigured(CoreBankingError):
    """Our token, certificate or base URL is wrong; an operator must fix the settings."""


_REJECTIONS: dict[str, type[CoreBankingRejected]] = {
    "customer_not_found": NotFound,
    "card_not_found": NotFound,
    "challenge_not_found": NotFound,
    "invalid_phone": InvalidPhone,
    "card_already_blocked": CardAlreadyBlocked,
    "otp_expired": OtpExpired,
    "otp_locked": OtpLocked,
    "otp_used": OtpUsed,
    "otp_rate_limited": OtpRateLimited,
}


def error_for_status(operation: str, status: int, body: object) -> CoreBankingError:
    """The exception for a non-2xx answer; ``body`` is the decoded JSON or ``None``."""
    if status in (401, 403) or 300 <= status < 400:
        return CoreBankingMisconfigured(
            f"{operation}: ABS answered HTTP {status}; check the token, certificate and base URL",
            operation=operation,
            status=status,
        )
    if not 400 <= status < 500:
        return CoreBankingUnavailable(
            f"{operation}: ABS answered HTTP {status}", operation=operation, status=status
        )
    error = body.get("error") if isinstance(body, dict) else None
    details: dict[str, object] = error if isinstance(error, dict) else {}
    raw_code = details.get("code")
    code = raw_code if isinstance(raw_code, str) and raw_code else None
    message = f"{operation}: ABS rejected the request (HTTP {status}, {code or 'no error code'})"
    if code == "invalid_code":
        attempts_left = details.get("attempts_left")
        if attempts_left is None and isinstance(body, dict):
            attempts_left = body.get("attempts_left")
        return InvalidCode(
            message,
            operation=operation,
            code=code,
            status=status,
            attempts_left=attempts_left if type(attempts_left) is int else None,
        )
    kind = _REJECTIONS.get(code or "") or (NotFound if status == 404 else CoreBankingRejected)
    return kind(message, operation=operation, code=code, status=status)
