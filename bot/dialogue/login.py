"""Authentication inside a conversation: phone + one-time code, and the session's lifetime.

The bank's OTP service owns the code (expiry, attempts, resend limits); this module keeps the
conversation's side: which challenge is pending, a cap on failures per conversation, masking
the code in the transcript, and binding the conversation to the customer until the session
expires.

A phone the bank does not know gets the same reply as one it knows, so the chat cannot be used
to find out who banks here: the sends are capped here (per phone, spaced; per conversation),
for every phone alike, before the bank is asked; the bank's own resend limit, which only a
known phone can meet, is answered as a send; and the reply takes at least
``CodeLimits.reply_min_s`` either way, so its timing does not tell an SMS from none.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.dialogue.errors import (
    AuthError,
    CodeExpired,
    CodeLocked,
    CodeRateLimited,
    CodeUsed,
    CoreUnavailable,
    UnknownPhone,
    WrongCode,
)
from bot.dialogue.masking import mask_phone
from bot.dialogue.models import AuditEntry, AuthMethod, Lang, Rate, Reply, Route
from bot.dialogue.ports import AuditLog, Authenticator, ConversationStore, RateLimiter, TextCatalog
from bot.dialogue.rate_limits import MemoryRateLimiter
from bot.dialogue.state import DialogueState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """A code checked: the reply, the state after it, and who the customer is if it proved it."""

    reply: Reply
    state: DialogueState
    customer_id: str | None = None


CODES_PER_PHONE = Rate(5, 3600.0)
CODES_PER_CONVERSATION = Rate(3, 3600.0)
CODE_CHECKS_PER_PHONE = Rate(10, 3600.0)


_CODE_LIKE = re.compile(r"(?<!\d)\d{4,8}(?!\d)")


def _phone_key(phone: str) -> str:
    """The phone by its digest: the limiter (Redis, later) and the state never hold it."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CodeLimits:
    """How many one-time codes may be sent, for any phone alike (the defaults of
    ``PERIMETER_AUTH__CODE*``)."""

    interval_s: float = 60.0  # between two codes to one phone; 0: no spacing
    per_phone: Rate = CODES_PER_PHONE
    # Codes typed for one phone, across conversations (a guesser starting new ones): right
    # or wrong, past this the phone's codes are refused until the window has passed.
    checks_per_phone: Rate = CODE_CHECKS_PER_PHONE
    per_conversation: Rate = CODES_PER_CONVERSATION
    reply_min_s: float = 0.5


class Login:
    def __init__(
        self,
        authenticator: Authenticator,
        store: ConversationStore,
        audit: AuditLog,
        texts: TextCatalog,
        *,
        session_ttl: timedelta,
        max_failures: int,
        clock: Callable[[], datetime],
        limiter: RateLimiter | None = None,
        limits: CodeLimits = CodeLimits(),
    ) -> None:
        self._auth = authenticator
        self._store = store
        self._audit_log = audit
        self._texts = texts
        self._ttl = session_ttl
        self._max_failures = max_failures
        self._clock = clock
        self._limiter = limiter or MemoryRateLimiter()
        self._limits = limits

    @staticmethod
    def masked(text: str, state: DialogueState) -> str:
        """What the transcript keeps: while a code is awaited, no run of 4-8 digits is
        stored, whatever words are around it («123456 проверьте, пожалуйста»)."""
        if state.awaiting_code is None:
            return text
        return _CODE_LIKE.sub(lambda m: "•" * len(m.group(0)), text)

    async def authenticate(
        self, conversation_id: str, customer_id: str, method: AuthMethod
    ) -> datetime:
        until = self._clock() + self._ttl
        await self._store.set_customer(conversation_id, customer_id, until, method)
        log.info("authenticated conversation=%s method=%s", conversation_id, method)
        return until

    async def send_code(
        self, conversation_id: str, phone: str, state: DialogueState, lang: Lang
    ) -> tuple[Reply, DialogueState]:
        """The reply, and the state awaiting the code."""
        started = time.perf_counter()
        wait = await self._capped(conversation_id, phone)
        if wait:
            await self._audit(conversation_id, None, "send_code", "rate_limited", started)
            awaiting = state.awaiting_code
            waiting = awaiting is not None and awaiting.challenge_id is not None
            reply = self._say("utter_code_rate_limited", lang, seconds=wait, waiting=waiting)
            await self._pad(started)
            return reply, state
        outcome = "sent"
        key = _phone_key(phone)
        try:
            sent = await self._auth.send_code(phone)
            state = state.code_sent(sent.challenge_id, key)
        except UnknownPhone:
            outcome = "unknown_phone"
            state = state.code_sent(None, key)
        except CodeRateLimited:
            # Only a phone the bank knows meets its resend limit: told apart, it would say
            # who banks here. The code sent before still stands; the reply is a send's.
            outcome = "bank_rate_limited"
            awaiting = state.awaiting_code
            if awaiting is None or awaiting.challenge_id is None:
                state = state.code_sent(None, key)
        except CoreUnavailable:
            await self._audit(conversation_id, None, "send_code", "core_unavailable", started)
            raise
        await self._audit(conversation_id, None, "send_code", outcome, started)
        await self._pad(started)
        return self._say("utter_code_sent", lang, phone=mask_phone(phone)), state

    async def _capped(self, conversation_id: str, phone: str) -> int:
        """0 when one more code may go to ``phone`` from this conversation, else the whole
        seconds to wait; the same for every phone, known to the bank or not."""
        limits = self._limits
        key = _phone_key(phone)
        checks = [(f"codes:conversation:{conversation_id}", limits.per_conversation)]
        if limits.interval_s > 0:
            checks.append((f"codes:spacing:{key}", Rate(1, limits.interval_s)))
        checks.append((f"codes:phone:{key}", limits.per_phone))
        for name, rate in checks:
            wait = await self._limiter.hit(name, rate)
            if wait > 0:
                return max(1, math.ceil(wait))
        return 0

    async def _pad(self, started: float) -> None:
        """Make the reply take ``reply_min_s`` at least: an SMS sent and none take as long."""
        left = self._limits.reply_min_s - (time.perf_counter() - started)
        if left > 0:
            await asyncio.sleep(left)

    async def verify(
        self, conversation_id: str, code: str, state: DialogueState, lang: Lang
    ) -> LoginAttempt:
        started = time.perf_counter()
        awaiting = state.awaiting_code
        if awaiting is not None and awaiting.phone is not None:
            checked = f"codes:checks:{awaiting.phone}"
            if await self._limiter.hit(checked, self._limits.checks_per_phone) > 0:
                await self._audit(conversation_id, None, "verify_code", "phone_locked", started)
                return LoginAttempt(self._say("utter_code_locked", lang), state.login_ended())
        try:
            if awaiting is None or awaiting.challenge_id is None:
                raise WrongCode(None)
            customer_id = await self._auth.verify_code(awaiting.challenge_id, code)
        except WrongCode as exc:
            failures = (awaiting.failures if awaiting else 0) + 1
            state = state.code_failed()
            left = self._max_failures - failures
            if exc.attempts_left is not None:
                left = min(left, exc.attempts_left)
            await self._audit(conversation_id, None, "verify_code", "wrong_code", started)
            if left <= 0:
                return LoginAttempt(self._say("utter_code_locked", lang), state.login_ended())
            return LoginAttempt(self._say("utter_wrong_code", lang, attempts_left=left), state)
        except (CodeExpired, CodeLocked, CodeUsed) as exc:
            await self._audit(conversation_id, None, "verify_code", exc.code, started)
            return LoginAttempt(self._say(f"utter_{exc.code}", lang), state.login_ended())
        except AuthError as exc:
            await self._audit(conversation_id, None, "verify_code", exc.code, started)
            return LoginAttempt(self._say("utter_code_expired", lang), state.login_ended())
        except CoreUnavailable:
            await self._audit(conversation_id, None, "verify_code", "core_unavailable", started)
            raise
        await self._audit(conversation_id, customer_id, "verify_code", "verified", started)
        await self.authenticate(conversation_id, customer_id, AuthMethod.PHONE_CODE)
        reply = self._say("utter_logged_in", lang)
        return LoginAttempt(reply, state.login_ended(), customer_id)

    async def logout(self, conversation_id: str) -> None:
        await self._store.set_customer(conversation_id, None, None, None)

    def _say(self, template: str, lang: Lang, **values: object) -> Reply:
        return Reply(self._texts.render(template, lang, **values), Route.AUTH_REQUIRED)

    async def _audit(
        self,
        conversation_id: str,
        customer_id: str | None,
        action: str,
        outcome: str,
        started: float,
    ) -> None:
        await self._audit_log.add_audit(
            AuditEntry.since(started, conversation_id, customer_id, action, outcome)
        )
