"""Handing a conversation to people, and what the bot does around it.

When to escalate, and what a message gets while a handoff is open, is decided in
:mod:`bot.dialogue.decision`; this module opens the handoff with its reason, priority and
summary, tells routing what state the handoff is in (:class:`HandoffSnapshot`), and carries out
what the customer can do around it: wait, ask for a callback, rate the operator, or get the
operator back.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    HandoffReason.MODEL_BUSY: "model_busy",
    HandoffReason.CORE_UNAVAILABLE: "utter_core_unavailable",
    HandoffReason.FRAUD: "handoff_fraud",
    HandoffReason.COMPLAINT: "handoff_complaint",
}
_HIGH_PRIORITY = frozenset({HandoffReason.FRAUD})
# The model failed or is full: its summary would fail too, or add to the queue.
_MODEL_DOWN = frozenset({HandoffReason.MODEL_UNAVAILABLE, HandoffReason.MODEL_BUSY})


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


@dataclass(frozen=True, slots=True)
class HandoffSnapshot:
    """The conversation's latest handoff as routing sees it (``HandoffFlow.snapshot``)."""

    status: HandoffStatus
    rating_open: bool = False  # resolved or handed back, not rated, within the CSAT window
    reopenable: bool = False  # resolved by an operator, within the reopen window


def extractive_summary(messages: Sequence[StoredMessage], limit: int) -> str:
    """The customer's recent words, newest last, card and account numbers masked."""
    lines = [f"- {mask_numbers(m.text)}" for m in messages if m.role is Role.CUSTOMER]
    summary = "\n".join(lines[-4:])
    return summary if len(summary) <= limit else "…" + summary[-limit:]


_TRIGGER_CHARS = 200


def handed_over_at(messages: Sequence[StoredMessage], reason: HandoffReason) -> str:
    """The customer's question the conversation was handed over at, numbers masked: the last
    message, or, when that was only the request for a person, the one before it."""
    asked = [m.text for m in messages if m.role is Role.CUSTOMER]
    if reason is HandoffReason.CUSTOMER_REQUEST and len(asked) > 1:
        asked = asked[:-1]
    text = " ".join(mask_numbers(asked[-1]).split()) if asked else ""
    return text if len(text) <= _TRIGGER_CHARS else text[: _TRIGGER_CHARS - 1] + "…"


def led(lead: str, summary: str) -> str:
    """``summary`` opened by ``lead`` (the question handed over at), when there is one."""
    return f"{lead}\n{summary}" if lead else summary


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

    def schedule(
        self, handoff_id: str, turns: Sequence[ChatTurn], lang: Lang, lead: str = ""
    ) -> None:
        """Write the summary in the background; ``lead`` (the question the conversation was
        handed over at) opens it whatever the model writes."""
        task = asyncio.create_task(self._write(handoff_id, tuple(turns), lang, lead))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(
        self, handoff_id: str, turns: tuple[ChatTurn, ...], lang: Lang, lead: str
    ) -> None:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout_s):
                text = await self._summarizer.summarize(turns, lang)
        except Exception as exc:  # the extractive summary stays; the reason is logged
            log.warning("model summary failed handoff=%s: %s", handoff_id, type(exc).__name__)
            return
        text = mask_numbers(text.strip())
        if text:
            await self._store.set_summary(handoff_id, led(lead, text), SummarySource.MODEL)
            log.info(
                "model summary handoff=%s seconds=%.1f", handoff_id, time.perf_counter() - started
            )

    async def drain(self) -> None:
        """Wait for the summaries being written (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self, grace_s: float = 0.0) -> None:
        """Let the summaries being written finish within ``grace_s``, cancel the rest."""
        if self._tasks and grace_s > 0:
            await asyncio.wait(list(self._tasks), timeout=grace_s)
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
        # The summary states first the question the bot gave up on: a summary of the whole
        # conversation by the small model described an earlier, answered one.
        asked = handed_over_at(messages, reason)
        lead = self._texts.render("summary_trigger", turn.lang, question=asked) if asked else ""
        current = turn.handoff
        if current is not None and current.status.open:
            handoff = current  # already waiting (a second reason while queued): one handoff
        else:
            handoff = await self._store.add_handoff(
                HandoffRequest(
                    conversation_id=turn.conversation_id,
                    reason=reason,
                    summary=led(lead, extractive_summary(messages, self._policy.summary_chars)),
                    trigger_message_id=turn.stored.id,
                    passages=found.passages if found else (),
                    priority=Priority.HIGH if reason in _HIGH_PRIORITY else Priority.NORMAL,
                    callback_offered=not staffed,
                )
            )
            self._observer.handoff(reason)
            if self.summaries is not None and reason not in _MODEL_DOWN:
                turns = [ChatTurn(m.role, mask_numbers(m.text)) for m in messages]
                self.summaries.schedule(handoff.id, turns, turn.lang, lead)
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

    def snapshot(self, handoff: Handoff) -> HandoffSnapshot:
        """What routing needs of the handoff: its status and, once it is resolved, whether
        the customer may still rate the operator or get the conversation back to them."""
        if handoff.status is not HandoffStatus.RESOLVED:
            return HandoffSnapshot(handoff.status)
        now = self._clock()
        since = now - (handoff.resolved_at or now)
        rateable = handoff.resolution in (Resolution.RESOLVED, Resolution.HANDED_BACK)
        csat_window = timedelta(seconds=self._policy.csat_window_s)
        reopen_window = timedelta(seconds=self._policy.reopen_window_s)
        return HandoffSnapshot(
            handoff.status,
            rating_open=rateable and handoff.csat is None and since <= csat_window,
            reopenable=(
                handoff.resolution is Resolution.RESOLVED
                and bool(reopen_window)
                and since <= reopen_window
            ),
        )

    async def note(self, turn: Turn, handoff: Handoff) -> None:
        """A message written while the handoff is open: operators see it live."""
        await self._store.note_message(handoff, turn.stored.id, "customer")

    def waiting(self, turn: Turn) -> Reply:
        """Queued: the message is kept for the operator, and the customer is told so."""
        return Reply(self._texts.render("handoff_waiting", turn.lang), Route.OPERATOR)

    async def rate(self, turn: Turn, score: int) -> Reply | None:
        """The customer rates the operator; None when the store refused (already rated)."""
        assert turn.handoff is not None
        if not await self._store.rate_handoff(turn.handoff.id, score):
            return None
        self._observer.csat(score)
        return Reply(self._texts.render("csat_thanks", turn.lang), Route.SMALLTALK)

    async def reopen(self, turn: Turn) -> Reply | None:
        """The operator who resolved it gets the conversation back; None when it was not
        resolved any more. The bot stays silent."""
        assert turn.handoff is not None
        reopened = await self._store.reopen_handoff(turn.handoff.id)
        if reopened is None:
            return None
        await self.note(turn, reopened)
        log.info("handoff reopened conversation=%s handoff=%s", turn.conversation_id, reopened.id)
        return Reply("", Route.OPERATOR)

    async def callback(self, turn: Turn) -> Reply:
        """The customer asks to be called back: a CRM ticket, and the handoff is closed.
        Routing saw the handoff queued when the turn began; an operator may have taken it
        since, so it is read again."""
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
                AuditEntry.since(
                    started, turn.conversation_id, turn.customer, "open_ticket", outcome
                )
            )
        closed = await self._store.close_with_callback(handoff.id, ticket)
        name = "utter_callback_created" if closed else "utter_callback_created_operator_joined"
        return Reply(self._texts.render(name, turn.lang, ticket=ticket), Route.ACTION)

    async def aclose(self, grace_s: float = 0.0) -> None:
        if self.summaries is not None:
            await self.summaries.aclose(grace_s)
