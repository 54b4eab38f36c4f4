"""Account actions through rasa-sdk's executor in-process, against the sandbox ABS over real
HTTP (the standalone action server is tested end to end in ``tests/e2e``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import ActionExecutor

from bot.dialogue.accounts import ACCOUNT_ACTIONS
from integrations.core_banking import CoreBankingClient, CoreBankingConfig
from integrations.core_banking.actions import ACTIONS, bind_actions
from tests.support.servers import SANDBOX_TOKEN


def action_call(action: str, sender: str = "conv-1", **slots: Any) -> dict[str, Any]:
    """What Rasa posts to an action server (trimmed to the fields rasa-sdk reads)."""
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": slots,
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


def set_faults(sandbox: str, mode: str, delay_s: float = 0) -> None:
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    httpx.post(
        f"{sandbox}/sandbox/faults", json={"mode": mode, "delay_s": delay_s}, headers=headers
    ).raise_for_status()


@pytest.fixture
async def executor(sandbox: str) -> AsyncIterator[ActionExecutor]:
    config = CoreBankingConfig(
        base_url=sandbox, token=SANDBOX_TOKEN, timeout_s=1.0, retry_backoff_s=()
    )
    async with CoreBankingClient(config) as client:
        runner = ActionExecutor()
        for action in bind_actions(client):
            runner.register_action(action)
        yield runner
    set_faults(sandbox, "none")


async def run(
    executor: ActionExecutor, action: str, **slots: Any
) -> tuple[str, dict[str, Any], list[Any]]:
    result = await executor.run(action_call(action, **slots))
    assert result is not None
    payload = result.model_dump()
    response = payload["responses"][0]
    return response["template"], response["custom"], payload["events"]


async def test_balance_comes_from_the_abs_for_the_slot_customer(executor: ActionExecutor) -> None:
    template, values, _ = await run(executor, "check_balance", customer_id="c-2001")
    assert template == "utter_balance"
    assert values["accounts"][0] == {
        "type": "current",
        "currency": "RUB",
        "balance": "48210.75",
        "last4": "2345",
    }
    assert "40817810500000012345" not in str(values), "no full account numbers in replies"


async def test_no_customer_slot_means_no_data(executor: ActionExecutor) -> None:
    template, values, _ = await run(executor, "check_balance")
    assert (template, values) == ("utter_auth_required", {})


async def test_next_payment_and_no_loans(executor: ActionExecutor) -> None:
    template, values, _ = await run(executor, "next_payment", customer_id="c-2001")
    assert template == "utter_next_payment"
    assert values["loans"][0]["date"] == "2026-12-05"
    assert values["loans"][0]["amount"] == "14870.00"
    template, _, _ = await run(executor, "next_payment", customer_id="c-2002")
    assert template == "utter_no_loans"


async def test_card_status_and_transactions(executor: ActionExecutor) -> None:
    template, values, _ = await run(executor, "card_status", customer_id="c-2002")
    assert [(c["last4"], c["status"]) for c in values["cards"]] == [
        ("0417", "active"),
        ("9921", "blocked"),
    ]
    template, values, _ = await run(executor, "recent_transactions", customer_id="c-2001")
    assert template == "utter_recent_transactions"
    assert values["transactions"][0]["description"] == "Платёж по кредиту"


async def test_block_card_asks_first_and_blocks_once(executor: ActionExecutor) -> None:
    template, values, events = await run(executor, "block_card", customer_id="c-2001")
    assert (template, values["last4"]) == ("utter_confirm_block", "5512")
    assert events[0]["name"] == "pending_block_card"
    cards = await run(executor, "card_status", customer_id="c-2001")
    assert cards[1]["cards"][0]["status"] == "active", "nothing blocked before confirmation"

    confirmed = {
        "customer_id": "c-2001",
        "pending_block_card": "card-2001-1",
        "block_confirmed": True,
    }
    template, values, _ = await run(executor, "block_card", **confirmed)
    assert (template, values["last4"]) == ("utter_card_blocked", "5512")
    # The same confirmation delivered again (a retry) sees the card blocked: no second write.
    template, _, _ = await run(executor, "block_card", **confirmed)
    assert template == "utter_card_already_blocked"
    cards = await run(executor, "card_status", customer_id="c-2001")
    assert cards[1]["cards"][0]["status"] == "blocked"


async def test_unknown_card_is_refused(executor: ActionExecutor) -> None:
    template, values, _ = await run(executor, "block_card", customer_id="c-2002", card_last4="1234")
    assert (template, values["last4"]) == ("utter_card_not_found", "1234")


async def test_an_already_blocked_card_is_not_blocked_again(executor: ActionExecutor) -> None:
    template, values, events = await run(
        executor, "block_card", customer_id="c-2002", card_last4="9921"
    )
    assert (template, values["last4"]) == ("utter_card_already_blocked", "9921")
    assert events == [
        {"event": "slot", "timestamp": None, "name": "pending_block_card", "value": None}
    ]


@pytest.mark.parametrize("mode", ["error", "malformed", "slow"])
async def test_abs_trouble_is_a_clear_response(
    executor: ActionExecutor, sandbox: str, mode: str
) -> None:
    set_faults(sandbox, mode, 2)
    template, values, _ = await run(executor, "check_balance", customer_id="c-2001")
    assert (template, values) == ("utter_core_unavailable", {"action": "check_balance"})


def test_the_integration_runs_exactly_the_dialogues_account_actions() -> None:
    """``integrations`` may not import ``bot``, so the dialogue core holds the one list of
    account actions and this keeps the rasa-sdk actions in step with it."""
    assert sorted(action.action_name for action in ACTIONS) == sorted(ACCOUNT_ACTIONS)
