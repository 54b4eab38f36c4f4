"""The bank's signed web token: how a customer logged in to the bank's site is recognised.

The bank's site signs a short-lived JWT (HS256, the shared key from
``PERIMETER_AUTH__WEB_TOKEN_SECRET``) naming the customer, and hands it to the chat widget::

    {"sub": "c-2001", "aud": "perimeter", "iat": 1764172800, "exp": 1764173100,
     "jti": "a unique id"}

Refused: a bad signature, another algorithm (``none`` included), a missing claim, another
audience, an expired token, a lifetime longer than the configured maximum, and any token
whose ``jti`` was already used (replay). ``perimeter auth sign-token`` makes one for the demo.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Protocol

import jwt

from bot.dialogue.errors import TokenRejected

_LEEWAY_S = 30
_REQUIRED = ["sub", "exp", "iat", "jti", "aud"]


class TokenLedger(Protocol):
    async def claim_token(self, token_id: str, expires_at: datetime) -> bool: ...


class WebTokenVerifier:
    def __init__(
        self, secret: str, ledger: TokenLedger, *, audience: str, max_age_s: float
    ) -> None:
        self._secret = secret
        self._ledger = ledger
        self._audience = audience
        self._max_age_s = max_age_s

    async def verify(self, token: str) -> str:
        """The customer id the token names, or :class:`TokenRejected` with a reason."""
        if not isinstance(token, str) or len(token) > 4096:
            raise TokenRejected("malformed")
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                audience=self._audience,
                leeway=_LEEWAY_S,
                options={"require": _REQUIRED},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("expired") from None
        except jwt.InvalidSignatureError:
            raise TokenRejected("bad_signature") from None
        except jwt.PyJWTError:
            raise TokenRejected("malformed") from None
        subject, token_id = claims.get("sub"), claims.get("jti")
        issued, expires = claims.get("iat"), claims.get("exp")
        if not (isinstance(subject, str) and subject and isinstance(token_id, str) and token_id):
            raise TokenRejected("malformed")
        if not (isinstance(issued, int | float) and isinstance(expires, int | float)):
            raise TokenRejected("malformed")
        if expires - issued > self._max_age_s:
            raise TokenRejected("too_long_lived")
        until = datetime.fromtimestamp(expires + _LEEWAY_S, UTC)
        if not await self._ledger.claim_token(token_id[:128], until):
            raise TokenRejected("replayed")
        return subject


def sign_token(
    secret: str, customer_id: str, *, audience: str = "perimeter", lifetime_s: int = 120
) -> str:
    """What the bank's site does (used by the demo and the tests)."""
    now = int(time.time())
    claims = {
        "sub": customer_id,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime_s,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, secret, algorithm="HS256")
