"""The customer's message as typed, kept encrypted at rest for banks that must keep it.

Off by default: only the redacted text is stored. With ``privacy.raw_text_key`` (a Fernet
key: AES-128-CBC with an HMAC-SHA256, ``perimeter privacy new-key`` makes one) each
customer message is also stored sealed, beside its redacted text; only a data-subject export
opens it. Whoever holds the database without the key reads nothing of it.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """The key is not a Fernet key, or a sealed text was not made with it."""


def new_key() -> str:
    return Fernet.generate_key().decode()


class FernetSealer:
    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError) as exc:
            raise SealError(
                "privacy.raw_text_key is not a Fernet key (32 url-safe base64-encoded bytes:"
                " make one with `perimeter privacy new-key`)"
            ) from exc

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise SealError("a sealed text does not open with this key") from exc
