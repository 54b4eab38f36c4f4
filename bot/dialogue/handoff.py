"""Handing a conversation to people, and everything the bot does while they have it.

The escalation decision itself is made by the engine (``escalation`` rules, the knowledge
base's confidence, failures); this module opens the handoff with its reason, priority and
summary, keeps the bot quiet while an operator owns the conversation, and handles what the
customer can still do meanwhile: block a card, ask for a callback, rate the operator.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.dialogue import account_rules
from bot.dialogue.accounts import REQUEST_CALLBACK
from bot.dialogue.errors import CoreUnavailable
from bot.dialogue.hours import WorkingHours
from bot.dialogue.masking import mask_numbers
from bot.dialogue.models import (
    AuditEntry,
    Button,
    ChatTurn,
    Handoff,
    HandoffReason,
    HandoffRequest,
    HandoffStatus,
    Lang,
    PassagesFound,
    Priority,
    Reply,
    Resolution,
    Role,
    Route,
    StoredMessage,
    SummarySource,
)
from bot.dialogue.ports import AuditLog, CallbackDesk, ConversationStore, Summarizer, TextCatalog
from bot.dialogue.turn import EngineObserver, Turn

log = logging.getLogger(__name__)

_CSAT = re.compile(r"^\s*(?:/csat_)?([1-5])\s*(?:[⭐★*]\s*)?$")
_TEXTS = {
    HandoffReason.MODEL_UNAVAILABLE: "model_unavailable",
    HandoffReason.CORE_UNAVAILABLE: "utter_core_unavailable",
    HandoffReason.FRAUD: "handoff_fraud",
    HandoffReason.COMPLAINT: "handoff_complaint",
}
_HIGH_PRIORITY = frozenset({HandoffReason.FRAUD})
# While the handoff waits in the queue the customer may still do these with the bot.
_ALLOWED_WHILE_QUEUED = frozenset({"block_card", REQUEST_CALLBACK})


@dataclass(frozen=True, slots=True)
class HandoffPolicy:
    failed_turns_limit: int = 2
    reopen_window_s: float = 0.0
    csat_window_s: float = 86_400.0
    hours: WorkingHours | None = None  # None: operators are always there
    escalate_complaints: bool = True
    escalate_fraud: bool = True
    summary_timeout_s: float = 90.0
    summary_chars: int = 600


def extractive_summary(messages: Sequence[StoredMessage], limit: int) -> str:
    """The customer's recent words, newest last, card and account numbers masked."""
    lines = [f"- {mask_numbers(m.text)}" for m in messages if m.role is Role.CUSTOMER]
    summary = "\n".join(lines[-4:])
    return summary if len(summary) <= limit else "…" + summary[-limit:]


def csat_score(text: str) -> int | None:
    match = _CSAT.match(text)
    return int(match.group(1)) if match else None


class SummaryWriter:
    """Asks the local model for the operator's summary in the background: the customer's
    reply never waits for it, and the extractive summary stays when the model fails."""

    def __init__(self, summarizer: Summarizer, store: ConversationStore, timeout_s: float) -> None:
        self._summarizer = summarizer
        self._store = store
        self._timeout_s = timeout_s
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, handoff_id: str, turns: Sequence[ChatTurn], lang: Lang) -> None:
        task = asyncio.create_task(self._write(handoff_id, tuple(turns), lang))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, handoff_id: str, turns: tuple[ChatTurn, ...], lang: Lang) -> None:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout_s):
                text = await self._summarizer.summarize(turns, lang)
        except Exception as exc:  # the extractive summary stays; the reason is logged
            log.warning("model summary failed handoff=%s: %s", handoff_id, type(exc).__name__)
            return
        text = mask_numbers(text.strip())
        if text:
            await self._store.set_summary(handoff_id, text, SummarySource.MODEL)
            log.info(
                "model summary handoff=%s seconds=%.1f", handoff_id, time.perf_counter() - started
            )

    async def drain(self) -> None:
        """Wait for the summaries being written (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


class HandoffFlow:
    def __init__(
        self,
        store: ConversationStore,
        texts: TextCatalog,
        policy: HandoffPolicy,
        observer: EngineObserver,
        audit: AuditLog,
        *,
        summarizer: Summarizer | None,
        callbacks: CallbackDesk | None,
        can_block_cards: bool,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._texts = texts
        self._policy = policy
        self._observer = observer
        self._audit = audit
        self._callbacks = callbacks
        self._can_block = can_block_cards
        self._clock = clock
        self.summaries = (
            SummaryWriter(summarizer, store, policy.summary_timeout_s) if summarizer else None
        )

    def staffed(self) -> bool:
        hours = self._policy.hours
        return hours is None or hours.open_at(self._clock())

    async def open(
        self,
        turn: Turn,
        reason: HandoffReason,
        found: PassagesFound | None = None,
        *,
        action: str | None = None,
    ) -> Reply:
        """Queue the conversation for a person; the reply tells the customer what happens."""
        messages = [*turn.history, turn.stored]
        staffed = self.staffed()
        current = turn.handoff
        if current is not None and current.status.open:
            handoff = current  # already waiting (a second reason while queued): one handoff
        else:
            handoff = await self._store.add_handoff(
                HandoffRequest(
                    conversation_id=turn.conversation_id,
                    reason=reason,
                    summary=extractive_summary(messages, self._policy.summary_chars),
                    trigger_message_id=turn.stored.id,
                    passages=found.passages if found else (),
                    priority=Priority.HIGH if reason in _HIGH_PRIORITY else Priority.NORMAL,
                    callback_offered=not staffed,
                )
            )
            self._observer.handoff(reason)
            if self.summaries is not None and reason is not HandoffReason.MODEL_UNAVAILABLE:
                turns = [ChatTurn(m.role, mask_numbers(m.text)) for m in messages]
                self.summaries.schedule(handoff.id, turns, turn.lang)
        log.info(
            "handoff conversation=%s handoff=%s reason=%s priority=%s staffed=%s",
            turn.conversation_id,
            handoff.id,
            reason,
            handoff.priority,
            staffed,
        )
        text = self._texts.render(_TEXTS.get(reason, "handoff"), turn.lang)
        buttons: list[Button] = []
        if reason is HandoffReason.FRAUD and self._can_block:
            buttons.append(self._button("block_card", turn.lang))
        if not staffed:
            hours = self._policy.hours
            assert hours is not None
            closed = self._texts.render(
                "handoff_after_hours", turn.lang, hours=hours.describe(), zone=hours.zone.key
            )
            text = f"{text}\n\n{closed}"
            if self._callbacks is not None:
                buttons.append(self._button(REQUEST_CALLBACK, turn.lang))
        return Reply(text, Route.HANDOFF, handoff=reason, action=action, buttons=tuple(buttons))

    def _button(self, command: str, lang: Lang) -> Button:
        return Button(self._texts.render(f"button_{command}", lang), f"/{command}")

    async def intercept(self, turn: Turn, handoff: Handoff) -> Reply | None:
        """The reply while people have the conversation; None: the bot handles this message.

        A message the customer writes while an operator owns the conversation goes to the
        operator only: the reply is silent (empty text, route ``operator``).
        """
        status = handoff.status
        if status is HandoffStatus.RESOLVED:
            return await self._after_resolution(turn, handoff)
        await self._store.note_message(handoff, turn.stored.id, "customer")
        if status.owned:
            return Reply("", Route.OPERATOR)
        # Queued: nobody has it yet. The customer may still secure a card or ask for a
        # callback (and log in for either); anything else is kept for the operator.
        command = account_rules.command(turn.text)
        if command in _ALLOWED_WHILE_QUEUED or self._mid_step(turn):
            return None
        return Reply(self._texts.render("handoff_waiting", turn.lang), Route.OPERATOR)

    @staticmethod
    def _mid_step(turn: Turn) -> bool:
        state, text = turn.state, turn.text
        if state.mid_step:
            return True
        phone = account_rules.extract_phone(text)
        return bool(phone and account_rules.is_mostly_phone(text))

    async def _after_resolution(self, turn: Turn, handoff: Handoff) -> Reply | None:
        now = self._clock()
        resolved_at = handoff.resolved_at or now
        score = csat_score(turn.text)
        rateable = handoff.resolution in (Resolution.RESOLVED, Resolution.HANDED_BACK)
        if (
            score is not None
            and rateable
            and handoff.csat is None
            and now - resolved_at <= timedelta(seconds=self._policy.csat_window_s)
            and await self._store.rate_handoff(handoff.id, score)
        ):
            self._observer.csat(score)
            return Reply(self._texts.render("csat_thanks", turn.lang), Route.SMALLTALK)
        window = timedelta(seconds=self._policy.reopen_window_s)
        if (
            handoff.resolution is Resolution.RESOLVED
            and window
            and now - resolved_at <= window
            and score is None
        ):
            reopened = await self._store.reopen_handoff(handoff.id)
            if reopened is not None:
                await self._store.note_message(reopened, turn.stored.id, "customer")
                log.info(
                    "handoff reopened conversation=%s handoff=%s", turn.conversation_id, handoff.id
                )
                return Reply("", Route.OPERATOR)
        return None  # a fresh bot turn

    async def callback(self, turn: Turn) -> Reply:
        """The customer asks to be called back: a CRM ticket, and the handoff is closed."""
        handoff = await self._store.current_handoff(turn.conversation_id)
        if self._callbacks is None or handoff is None or handoff.status is not HandoffStatus.QUEUED:
            return Reply(self._texts.render("utter_callback_not_needed", turn.lang), Route.CLARIFY)
        assert turn.customer is not None
        started = time.perf_counter()
        outcome = "error"
        try:
            ticket = await self._callbacks.request_callback(
                customer_id=turn.customer,
                handoff_id=handoff.id,
                summary=handoff.summary,
                urgent=handoff.priority is Priority.HIGH,
            )
            outcome = "ok"
        except CoreUnavailable:
            return Reply(self._texts.render("utter_callback_failed", turn.lang), Route.OPERATOR)
        finally:
            await self._audit.add_audit(
                AuditEntry(
                    turn.conversation_id,
                    turn.customer,
                    "open_ticket",
                    outcome,
                    (time.perf_counter() - started) * 1000,
                )
            )
        closed = await self._store.close_with_callback(handoff.id, ticket)
        name = "utter_callback_created" if closed else "utter_callback_created_operator_joined"
        return Reply(self._texts.render(name, turn.lang, ticket=ticket), Route.ACTION)

    async def aclose(self) -> None:
        if self.summaries is not None:
            await self.summaries.aclose()
