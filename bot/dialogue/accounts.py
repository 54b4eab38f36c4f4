"""Account actions inside a conversation: run, audit, render, and the pending steps between.

The customer id always comes from the authenticated session the engine passes in; slots
carry only which card and whether a block was confirmed. Every call to the bank's systems
is written to the audit log with its outcome and latency.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping

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

log = logging.getLogger(__name__)

# Dialogue state keys (values are strings; the store keeps them between messages).
PENDING_ACTION = "pending_action"  # asked while anonymous: run right after login
PENDING_BLOCK = "pending_block_card"  # card id awaiting «да»
CHOOSE_CARD = "choose_card"  # the action waiting for the customer to name a card

# The account actions, listed once: the intents file, the engine and (by a test) the rasa-sdk
# actions in ``integrations.core_banking.actions`` all keep to this list.
ACCOUNT_ACTIONS = (
    "check_balance",
    "next_payment",
    "card_status",
    "recent_transactions",
    "block_card",
)


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
        state: MutableMapping[str, str],
        lang: Lang,
        card_last4: str | None = None,
        confirmed: bool = False,
    ) -> Reply | None:
        """The action's reply, or None when the core systems are unavailable (the engine
        hands the conversation over)."""
        slots: dict[str, str | None] = {
            "card_last4": card_last4,
            "pending_block_card": state.get(PENDING_BLOCK),
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
            AuditEntry(
                conversation_id,
                customer_id,
                action,
                outcome,
                (time.perf_counter() - started) * 1000,
            )
        )
        log.info("action conversation=%s action=%s outcome=%s", conversation_id, action, outcome)
        if outcome == "core_unavailable":
            return None
        return self._reply(action, result, state, lang)

    def _reply(
        self, action: str, result: ActionResult, state: MutableMapping[str, str], lang: Lang
    ) -> Reply:
        state.pop(PENDING_BLOCK, None)
        state.pop(CHOOSE_CARD, None)
        pending = result.slots.get("pending_block_card")
        buttons: tuple[Button, ...] = ()
        if pending:
            state[PENDING_BLOCK] = pending
            yes, no = ("да", "нет") if lang == "ru" else ("yes", "no")
            buttons = (
                Button(self._texts.render("button_confirm_block", lang), yes),
                Button(self._texts.render("button_cancel", lang), no),
            )
        if result.outcome == "choose_card":
            state[CHOOSE_CARD] = action
            cards = result.responses[0].values.get("cards")
            listed = cards if isinstance(cards, list) else []
            buttons = tuple(Button(mask_card(c), c) for c in listed if isinstance(c, str))
        text = "\n\n".join(
            self._texts.render(r.template, lang, **r.values).strip() for r in result.responses
        )
        return Reply(text, Route.ACTION, action=action, buttons=buttons)

    def cancel_block(self, state: MutableMapping[str, str], lang: Lang) -> Reply:
        state.pop(PENDING_BLOCK, None)
        return Reply(
            self._texts.render("utter_block_cancelled", lang), Route.ACTION, action="block_card"
        )

    def clarify_buttons(self, actions: tuple[str, ...], lang: Lang) -> tuple[Button, ...]:
        return tuple(
            Button(self._texts.render(f"button_{name}", lang), f"/{name}") for name in actions
        )
