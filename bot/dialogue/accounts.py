"""Account actions inside a conversation: run, audit, render, and the pending steps between.

The customer id always comes from the authenticated session the engine passes in; slots
carry only which card and whether a block was confirmed. Every call to the bank's systems
is written to the audit log with its outcome and latency.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.dialogue.errors import CoreUnavailable
from bot.dialogue.masking import mask_card
from bot.dialogue.models import (
    ActionResult,
    AuditEntry,
    Button,
    Lang,
    Reply,
    Route,
)
from bot.dialogue.ports import AccountActions, AuditLog, TextCatalog
from bot.dialogue.state import AccountStep, ChooseCard, ConfirmBlock

log = logging.getLogger(__name__)

# The account actions, listed once: the intents file, the engine and (by a test) the rasa-sdk
# actions in ``integrations.core_banking.actions`` all keep to this list.
ACCOUNT_ACTIONS = (
    "check_balance",
    "next_payment",
    "card_status",
    "recent_transactions",
    "block_card",
)
REQUEST_CALLBACK = "request_callback"  # the callback button's command, and a pending action


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """An action's reply, and the step it leaves the conversation waiting for (if any)."""

    reply: Reply
    step: AccountStep | None = None


class AccountDesk:
    def __init__(
        self,
        actions: AccountActions,
        audit: AuditLog,
        texts: TextCatalog,
    ) -> None:
        self._actions = actions
        self._audit = audit
        self._texts = texts

    async def run(
        self,
        action: str,
        *,
        conversation_id: str,
        customer_id: str,
        lang: Lang,
        card_last4: str | None = None,
        confirming: str | None = None,
        confirmed: bool = False,
    ) -> ActionOutcome | None:
        """What the action did, or None when the core systems are unavailable (the engine
        hands the conversation over). ``confirming`` is the card id a block waits for."""
        slots: dict[str, str | None] = {
            "card_last4": card_last4,
            "pending_block_card": confirming,
            "block_confirmed": "true" if confirmed else None,
        }
        started = time.perf_counter()
        try:
            result = await self._actions.run(
                action, conversation_id=conversation_id, customer_id=customer_id, slots=slots
            )
        except CoreUnavailable:
            result = ActionResult(())
            outcome = "core_unavailable"
        else:
            outcome = result.outcome
        await self._audit.add_audit(
            AuditEntry.since(started, conversation_id, customer_id, action, outcome)
        )
        log.info("action conversation=%s action=%s outcome=%s", conversation_id, action, outcome)
        if outcome == "core_unavailable":
            return None
        return self._outcome(action, result, lang)

    def _outcome(self, action: str, result: ActionResult, lang: Lang) -> ActionOutcome:
        pending = result.slots.get("pending_block_card")
        step: AccountStep | None = None
        buttons: tuple[Button, ...] = ()
        if result.outcome == "choose_card":  # asks which card; never blocks in the same step
            step = ChooseCard(action)
            cards = result.responses[0].values.get("cards")
            listed = cards if isinstance(cards, list) else []
            buttons = tuple(Button(mask_card(c), c) for c in listed if isinstance(c, str))
        elif pending:
            step = ConfirmBlock(pending)
            yes, no = ("да", "нет") if lang == "ru" else ("yes", "no")
            buttons = (
                Button(self._texts.render("button_confirm_block", lang), yes),
                Button(self._texts.render("button_cancel", lang), no),
            )
        text = "\n\n".join(
            self._texts.render(r.template, lang, **r.values).strip() for r in result.responses
        )
        return ActionOutcome(Reply(text, Route.ACTION, action=action, buttons=buttons), step)

    def clarify_buttons(self, actions: tuple[str, ...], lang: Lang) -> tuple[Button, ...]:
        return tuple(
            Button(self._texts.render(f"button_{name}", lang), f"/{name}") for name in actions
        )
