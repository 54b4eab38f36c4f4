"""The real account actions: the rasa-sdk actions of ``integrations.core_banking`` run
in-process through rasa-sdk's own executor, as the dialogue core's ``AccountActions``.

The customer id always comes from the call (the authenticated session the engine passes), never
from the slots. An outage the actions handle themselves (they say ``utter_core_unavailable``);
anything else the ABS refused here becomes :class:`CoreUnavailable`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk.executor import ActionExecutor

from bot.dialogue.errors import CoreUnavailable
from bot.dialogue.models import ActionResponse, ActionResult
from integrations.core_banking.actions import bind_actions
from integrations.core_banking.client import CoreBankingClient
from integrations.core_banking.errors import CoreBankingError

log = logging.getLogger(__name__)

_SLOTS = ("customer_id", "card_last4", "pending_block_card", "block_confirmed")


def action_call(
    action: str, conversation_id: str, slots: Mapping[str, str | None]
) -> dict[str, Any]:
    """The payload Rasa posts to an action server, built for rasa-sdk's executor."""
    return {
        "next_action": action,
        "sender_id": conversation_id,
        "tracker": {
            "sender_id": conversation_id,
            "slots": {name: slots.get(name) for name in _SLOTS},
            "latest_message": {},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
        "domain": {"responses": {}},
        "version": "3.10.0",
    }


class RasaAccountActions:
    """Implements the ``AccountActions`` port with rasa-sdk's executor and the ABS client."""

    def __init__(self, client: CoreBankingClient) -> None:
        self._executor = ActionExecutor()
        for action in bind_actions(client):
            self._executor.register_action(action)

    async def run(
        self,
        action: str,
        *,
        conversation_id: str,
        customer_id: str,
        slots: Mapping[str, str | None],
    ) -> ActionResult:
        call = action_call(action, conversation_id, {**slots, "customer_id": customer_id})
        try:
            result = await self._executor.run(call)
        except CoreBankingError as exc:
            # The actions handle outages themselves; anything else the ABS refused here
            # (say, the customer record vanished) is not the customer's to fix.
            log.warning("action=%s failed: %s", action, type(exc).__name__)
            raise CoreUnavailable(type(exc).__name__) from None
        if result is None:
            raise CoreUnavailable(f"action {action} returned nothing")
        payload = result.model_dump()
        responses = tuple(
            ActionResponse(str(r.get("response") or r.get("template")), r.get("custom") or {})
            for r in payload["responses"]
        )
        slot_events = {
            str(e["name"]): (None if e.get("value") is None else str(e["value"]))
            for e in payload["events"]
            if e.get("event") == "slot"
        }
        return ActionResult(responses, slot_events)
