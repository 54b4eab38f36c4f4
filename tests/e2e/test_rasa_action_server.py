"""A bank's own Rasa assistant calls Perimeter's account actions: ``python -m rasa_sdk
--actions bot.rasa_actions`` as a real server, spoken to with Rasa's webhook payload, against
the sandbox ABS."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import httpx

from integrations.processes import child_process, free_port
from tests.support.servers import SANDBOX_TOKEN


def rasa_webhook(action: str, **slots: str) -> dict[str, Any]:
    """What Rasa posts to an action server, written out here (trimmed to the fields rasa-sdk
    reads) rather than by the product, so a drift of either side shows."""
    return {
        "next_action": action,
        "sender_id": "conv-1",
        "tracker": {
            "sender_id": "conv-1",
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


def test_standalone_rasa_action_server_over_http(sandbox: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERIMETER_")}
    env.update(
        SANIC_HOST="127.0.0.1",
        PERIMETER_CORE_BANKING__BASE_URL=sandbox,
        PERIMETER_CORE_BANKING__TOKEN=SANDBOX_TOKEN,
    )
    argv = [sys.executable, "-m", "rasa_sdk", "--actions", "bot.rasa_actions", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "rasa.log"
    with child_process(argv, log=log, env=env, health_url=f"{base}/health", startup_s=120):
        listed = {a["name"] for a in httpx.get(f"{base}/actions").json()}
        assert {
            "check_balance",
            "next_payment",
            "card_status",
            "block_card",
            "recent_transactions",
        } <= listed
        reply = httpx.post(
            f"{base}/webhook",
            timeout=30,
            json=rasa_webhook("next_payment", customer_id="c-2001"),
        ).json()
        assert "responses" in reply, reply
        assert reply["responses"][0]["template"] == "utter_next_payment"
        assert reply["responses"][0]["custom"]["loans"][0]["amount"] == "14870.00"
        anonymous = httpx.post(f"{base}/webhook", json=rasa_webhook("check_balance")).json()
        assert anonymous["responses"][0]["template"] == "utter_auth_required"
