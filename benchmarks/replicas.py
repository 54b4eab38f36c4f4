"""Turns per second with one and with two replicas, and an operator on one replica reaching
a customer on the other (medians and p95; the machine is shared and noisy).

    python benchmarks/replicas.py [--customers 50] [--messages 4] [--rounds 20]

Real `perimeter serve` processes over one PostgreSQL (PERIMETER_TEST_POSTGRES_URL, or the one
`scripts/start-postgres.sh` starts) and one Redis (Debian's redis-server), behind nginx (round
robin). Each customer sends messages that need no model (greetings, thanks), every one on a
new connection, so consecutive messages land on different replicas. The same load runs
against one replica, then two, in one run. Every process shares this machine's cores: on
2 cores a second replica cannot double anything; the figures show what the shared state costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from tests.contract.storage.conftest import empty_database  # noqa: E402
from tests.support.console import ConsoleClient, add_staff  # noqa: E402
from tests.support.postgres import ensure_database  # noqa: E402
from tests.support.proxy import nginx_in_front  # noqa: E402
from tests.support.redis import redis_server  # noqa: E402
from tests.support.replicas import start_replicas, upgrade_at_once  # noqa: E402
from tests.support.webchat import open_chat  # noqa: E402

MESSAGES = ["Привет!", "Спасибо!", "Здравствуйте", "Спасибо за помощь!"]


def postgres_url() -> str:
    url = (
        os.environ.get("PERIMETER_TEST_POSTGRES_URL")
        or subprocess.run(  # noqa: S603
            ["/bin/bash", str(ROOT / "scripts" / "start-postgres.sh")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    return asyncio.run(ensure_database(url, "perimeter_bench"))


async def turn(url: str, resume: dict[str, Any], text: str) -> float:
    started = time.perf_counter()
    ws, _ = await open_chat(url, resume)
    try:
        await ws.send(json.dumps({"type": "message", "text": text}))
        while json.loads(await asyncio.wait_for(ws.recv(), 60))["type"] != "reply":
            pass
    finally:
        await ws.close()
    return time.perf_counter() - started


async def load(url: str, customers: int, messages: int) -> tuple[float, list[float]]:
    async def customer() -> list[float]:
        ws, hello = await open_chat(url)
        await ws.close()
        return [await turn(url, hello, MESSAGES[i % len(MESSAGES)]) for i in range(messages)]

    started = time.perf_counter()
    latencies = [
        t for one in await asyncio.gather(*(customer() for _ in range(customers))) for t in one
    ]
    return len(latencies) / (time.perf_counter() - started), latencies


async def operator_latency(a: str, b_ws: str, rounds: int) -> list[float]:
    ws, hello = await open_chat(b_ws)

    async def frame(kind: str) -> dict[str, Any]:
        while True:
            got = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if got["type"] == kind:
                return dict(got)

    await ws.send(json.dumps({"type": "message", "text": "Позовите, пожалуйста, оператора"}))
    await frame("reply")
    console = ConsoleClient(a)
    assert console.login("anna").status_code == 200
    handoff = console.waiting_for(hello["conversation_id"])["id"]
    assert console.post(f"/handoffs/{handoff}/take").status_code == 200
    await frame("message")
    latencies = []
    for n in range(rounds):
        started = time.perf_counter()
        sent = await asyncio.to_thread(console.post, f"/handoffs/{handoff}/messages", text=f"#{n}")
        assert sent.status_code == 201
        await frame("message")
        latencies.append(time.perf_counter() - started)
    await ws.close()
    console.close()
    return latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--messages", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    database = postgres_url()
    root = Path(tempfile.mkdtemp(prefix="perimeter-bench-replicas-"))
    results: dict[int, tuple[float, list[float]]] = {}
    operator: list[float] = []
    with redis_server(root / "redis") as redis_url:
        settings = {
            "database__url": database,
            "redis__url": redis_url,
            "llm__backend": "openai",
            "llm__openai_base_url": "http://127.0.0.1:9/v1",
            "llm__model": "unused",
            "operators__working_hours": "00:00-24:00",
            "chat__rate_messages": "10000",
        }
        for count in (1, 2):
            asyncio.run(empty_database(database))
            redis.Redis.from_url(redis_url).flushdb()
            folders = [root / f"{count}-{n}" for n in range(count)]
            for folder in folders:
                folder.mkdir(parents=True)
            upgrade_at_once(folders, settings)
            add_staff(folders[0], "anna", "operator", "Анна", **settings)
            with ExitStack() as stack:
                # /readyz waits for the model, which needs none here: wait on /healthz.
                replicas = start_replicas(stack, folders, settings, ready_path="/healthz")
                backends = [r.base_url.removeprefix("http://") for r in replicas]
                proxy = stack.enter_context(nginx_in_front(backends, root / f"nginx-{count}"))
                ws_url = proxy.replace("http://", "ws://") + "/ws/chat"
                asyncio.run(load(ws_url, 5, 2))  # warm up
                results[count] = asyncio.run(load(ws_url, args.customers, args.messages))
                if count == 2:
                    operator = asyncio.run(
                        operator_latency(replicas[0].base_url, replicas[1].ws_url, args.rounds)
                    )
    print(f"{args.customers} customers × {args.messages} messages, each on a new connection")
    print(f"{'replicas':>8} {'turns/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for count, (rate, latencies) in results.items():
        print(
            f"{count:>8} {rate:>8.1f} {statistics.median(latencies) * 1000:>7.0f}"
            f" {p95(latencies) * 1000:>7.0f}"
        )
    print(f"2 replicas / 1 replica, turns/s: {results[2][0] / results[1][0]:.2f}×")
    print(
        f"operator on replica A -> customer on replica B ({args.rounds} replies):"
        f" p50 {statistics.median(operator) * 1000:.0f} ms, p95 {p95(operator) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
