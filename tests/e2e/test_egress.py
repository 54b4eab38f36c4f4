"""No egress (issue 13, part 5): the product, on its embedded defaults with the real model
and the sandbox ABS, answers a knowledge question, logs a customer in, reads their balance
and hands over to people (with the model's summary) — and connects to no host but those
its settings name (``bot.egress.allowed_hosts``). Every name resolved and every internet
connection opened by the server process is recorded by an audit hook
(``tests/support/egress``); one to any other host fails the test."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import httpx
import pytest

from bot.egress import allowed_hosts
from bot.settings import Settings
from bot.web_token import sign_token
from tests.support.servers import SANDBOX_TOKEN, embedded_llm_server
from tests.support.webchat import bearer, open_chat

pytestmark = pytest.mark.llm
HOOK = Path(__file__).resolve().parents[1] / "support" / "egress"
SECRET = "egress-test-web-token-secret-0123456789"


async def test_the_service_connects_only_to_the_hosts_its_settings_name(
    test_gguf: Path, sandbox: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "egress.log"
    monkeypatch.setenv("EGRESS_LOG_FOR_TESTS", str(log))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HOOK), os.environ.get("PYTHONPATH", "")]))
    settings = {
        "core_banking__base_url": sandbox,
        "core_banking__token": SANDBOX_TOKEN,
        "auth__web_token_secret": SECRET,
        "operators__working_hours": "00:00-24:00",
    }
    with embedded_llm_server(tmp_path / "data", test_gguf, **settings) as server:
        ws, hello = await open_chat(server.ws_url)
        async with ws:
            await ws.send(
                json.dumps(
                    {"type": "message", "text": "Сколько стоит обслуживание дебетовой карты?"}
                )
            )
            while json.loads(await ws.recv())["type"] not in ("reply", "error"):
                pass
        async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
            cid, key = bearer((await client.post("/api/conversations")).json())
            client.headers.update(key)
            login = await client.post(
                f"/api/conversations/{cid}/auth/token", json={"token": sign_token(SECRET, "c-2001")}
            )
            assert login.status_code == 200
            balance = (
                await client.post(
                    f"/api/conversations/{cid}/messages", json={"text": "какой у меня баланс?"}
                )
            ).json()
            assert balance["route"] == "action"
            handoff = (
                await client.post(
                    f"/api/conversations/{cid}/messages", json={"text": "позовите оператора"}
                )
            ).json()
            assert handoff["handoff"]
    assert hello["conversation_id"]
    recorded = log.read_text().splitlines()
    assert any(line.startswith("connect") for line in recorded), "the hook recorded the server"

    allowed = allowed_hosts(
        Settings(core_banking={"base_url": sandbox}, auth={"web_token_secret": SECRET})  # type: ignore[arg-type]
    )
    addresses = {info[4][0] for host in allowed for info in _resolved(host)}
    resolved = {line.split(" ", 1)[1] for line in recorded if line.startswith("resolve ")}
    connected = {line.split(" ", 1)[1] for line in recorded if line.startswith("connect ")}
    assert resolved <= allowed | addresses, f"names looked up: {sorted(resolved - allowed)}"
    assert connected <= addresses, (
        f"connections outside the allow-list: {sorted(connected - addresses)}"
    )


def _resolved(host: str) -> list[tuple[object, ...]]:
    try:
        return list(socket.getaddrinfo(host, None))
    except OSError:
        return []
