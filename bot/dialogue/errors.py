"""Errors of the dialogue core.

DialogueError
├── ConversationNotFound      unknown conversation id
├── InvalidMessage            empty or over-long message (``limit``)
├── RateLimited               too many messages in the conversation's window
│                             (``retry_after_s``, ``first_refusal``)
├── KnowledgeUnavailable      vector store / embeddings failed
├── ModelUnavailable          the language model failed, timed out or is not loaded
│   └── ModelBusy             its queue is full: refused at once
├── CoreUnavailable           the bank's core systems are down, slow or answered nonsense
└── AuthError                 authentication refused (each has a bounded ``code``)
    ├── UnknownPhone          no customer has this phone number
    ├── CodeRateLimited       a new code was requested too soon (``retry_after_s``)
    ├── WrongCode             wrong one-time code (``attempts_left``)
    ├── CodeExpired / CodeLocked / CodeUsed
    └── TokenRejected         the bank's web token is forged, expired, replayed or malformed
"""

from __future__ import annotations


class DialogueError(Exception):
    """Base of every error the dialogue core raises or expects from its ports."""


class ConversationNotFound(DialogueError):
    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} not found")
        self.conversation_id = conversation_id


class InvalidMessage(DialogueError):
    """``reason`` is ``empty`` or ``too_long``; ``limit`` is the longest message accepted."""

    def __init__(self, reason: str, limit: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


class RateLimited(DialogueError):
    """The conversation sent more messages than its channel's rate allows. The message is
    not stored. ``first_refusal`` is true once per window, so a channel shows its notice once
    and leaves the rest of a burst unanswered."""

    def __init__(self, retry_after_s: float, *, first_refusal: bool) -> None:
        super().__init__(f"rate limited for {retry_after_s:.1f} s")
        self.retry_after_s = retry_after_s
        self.first_refusal = first_refusal


class KnowledgeUnavailable(DialogueError):
    """The knowledge base could not be searched."""


class ModelUnavailable(DialogueError):
    """The language model did not produce an answer in time."""


class ModelBusy(ModelUnavailable):
    """The language model's queue is full; the question was not queued."""


class CoreUnavailable(DialogueError):
    """The bank's core systems could not answer (down, slow, malformed, circuit open)."""


class AuthError(DialogueError):
    code = "auth_failed"


class UnknownPhone(AuthError):
    code = "unknown_phone"


class CodeRateLimited(AuthError):
    code = "code_rate_limited"

    def __init__(self, retry_after_s: float | None = None) -> None:
        super().__init__(self.code)
        self.retry_after_s = retry_after_s


class WrongCode(AuthError):
    code = "wrong_code"

    def __init__(self, attempts_left: int | None = None) -> None:
        super().__init__(self.code)
        self.attempts_left = attempts_left


class CodeExpired(AuthError):
    code = "code_expired"


class CodeLocked(AuthError):
    code = "code_locked"


class CodeUsed(AuthError):
    code = "code_used"


class TokenRejected(AuthError):
    """``reason`` is one of: malformed, bad_signature, expired, replayed, too_long_lived."""

    code = "token_rejected"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
