"""How fast people reach each other through Perimeter (medians; the machine is shared).

    python benchmarks/operators.py [--rounds 20]

A real `perimeter serve` (no language model needed: summaries fall back to the extractive
one), one customer on the web-chat WebSocket, one operator on the console's HTTP API and
WebSocket. Per round, alternating:

1. operator → customer: from the operator's POST of a reply to the frame on the customer's
   socket (the stored message, the event feed, the web chat's push);
2. customer → operator: from the customer's message on the socket to the event on the
   operator's console socket (stored, silent bot reply, the feed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import websockets  # noqa: E402

from tests.support.console import HEADERS, PASSWORD, add_staff  # noqa: E402
from tests.support.servers import perimeter_server  # noqa: E402

SETTINGS = {
    "llm__backend": "openai",
    "llm__openai_base_url": "http://127.0.0.1:9/v1",
    "llm__model": "unused",
    "operators__working_hours": "00:00-24:00",
    "operators__model_summary": "false",
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def until(ws: Any, match: Any) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if match(frame):
            return frame


async def measure(base_url: str, rounds: int) -> dict[str, list[float]]:
    ws_base = base_url.replace("http://", "ws://")
    async with httpx.AsyncClient(base_url=base_url, headers=HEADERS, timeout=30) as console:
        assert (
            await console.post("/operator/api/login", json={"name": "anna", "password": PASSWORD})
        ).status_code == 200
        cookie = "; ".join(f"{k}={v}" for k, v in console.cookies.items())
        customer = await websockets.connect(f"{ws_base}/ws/chat")
        await customer.send(json.dumps({"type": "hello"}))  # a new conversation
        conversation = json.loads(await customer.recv())["conversation_id"]
        operator = await websockets.connect(
            f"{ws_base}/operator/ws",
            additional_headers={"Cookie": cookie, "Origin": base_url},
        )
        await operator.recv()  # hello
        await customer.send(json.dumps({"type": "message", "text": "позовите оператора"}))
        await until(customer, lambda f: f["type"] == "reply")
        queue = (await console.get("/operator/api/queue")).json()["handoffs"]
        number = next(h["id"] for h in queue if h["conversation_id"] == conversation)
        assert (await console.post(f"/operator/api/handoffs/{number}/take")).status_code == 200
        await until(customer, lambda f: f["type"] == "message")  # «оператор подключился»
        figures: dict[str, list[float]] = {"operator → customer": [], "customer → operator": []}
        for n in range(rounds):
            text = f"ответ оператора {n}"
            started = time.perf_counter()
            sent = await console.post(
                f"/operator/api/handoffs/{number}/messages", json={"text": text}
            )
            assert sent.status_code == 201
            await until(
                customer, lambda f, t=text: f["type"] == "message" and f["message"]["text"] == t
            )
            figures["operator → customer"].append(time.perf_counter() - started)

            said = f"сообщение клиента {n}"
            started = time.perf_counter()
            await customer.send(json.dumps({"type": "message", "text": said}))
            await until(
                operator,
                lambda f, t=said: (
                    f.get("kind") == "message" and (f.get("message") or {}).get("text") == t
                ),
            )
            figures["customer → operator"].append(time.perf_counter() - started)
            await until(customer, lambda f: f["type"] == "reply")  # the silent reply
        await customer.close()
        await operator.close()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perimeter-bench-ops-") as tmp:
        data_dir = Path(tmp)
        add_staff(data_dir, "anna", "operator", "Анна", **SETTINGS)
        with perimeter_server(data_dir, **SETTINGS) as server:
            figures = asyncio.run(measure(server.base_url, args.rounds))
    print(f"\nmessage delivery through the console, n={args.rounds} each, alternating")
    print(f"{'direction':<24} {'p50':>8} {'p95':>8}")
    for name, values in figures.items():
        p50 = statistics.median(values) * 1000
        print(f"{name:<24} {p50:>6.0f} ms {pct(values, 0.95) * 1000:>6.0f} ms")


if __name__ == "__main__":
    main()
