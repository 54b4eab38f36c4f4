"""Admission under load in the running product: one generation at a time at the model (a slow
model server: the Ollama double), customers over real WebSockets. The ones that wait hear
their place in the queue and an estimate before their answer starts; one more than the queue
holds is handed to a person at once; the queue's length and waits are on /metrics."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.doubles.ollama_server import OllamaDoubleConfig, run_ollama_double_in_thread
from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import open_chat

MODEL = "qwen2.5:7b-instruct-q4_K_M"
ANSWER = "Обслуживание дебетовой карты «Классика» стоит 99 ₽ в месяц."
QUESTION = "Сколько стоит обслуживание дебетовой карты «Классика»?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    # Each answer takes ~1.5 s at the model: 10 pieces, 0.15 s each.
    model = OllamaDoubleConfig(models=[MODEL], reply=ANSWER, delay_s=0.15)
    with run_ollama_double_in_thread(model) as ollama:
        settings = {
            "llm__backend": "ollama",
            "llm__model": MODEL,
            "llm__ollama_host": ollama,
            "llm__max_running": "1",
            "llm__max_waiting": "2",
            "answer_cache__enabled": "false",  # every customer's answer is written
            "retrieval__faq_min_score": "1.01",
        }
        with perimeter_server(tmp_path_factory.mktemp("queue"), **settings) as running:
            yield running


async def customer(url: str, started: asyncio.Event | None = None) -> list[dict[str, Any]]:
    """Ask once; every frame until the reply."""
    ws, _ = await open_chat(url)
    frames: list[dict[str, Any]] = []
    try:
        await ws.send(json.dumps({"type": "message", "text": QUESTION}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
            frames.append(frame)
            if frame["type"] == "token" and started is not None:
                started.set()
            if frame["type"] == "reply":
                return frames
    finally:
        await ws.close()


async def four_at_once(url: str) -> list[list[dict[str, Any]]]:
    started = asyncio.Event()
    first = asyncio.create_task(customer(url, started))
    await asyncio.wait_for(started.wait(), 60)  # the first is being written
    rest = [asyncio.create_task(customer(url)) for _ in range(3)]
    return [await first, *[await task for task in rest]]


def test_waiting_customers_hear_their_place_and_one_too_many_goes_to_a_person(
    server: RunningServer,
) -> None:
    results = asyncio.run(four_at_once(server.ws_url))
    replies = [frames[-1] for frames in results]
    answered = [r for r in replies if r["route"] == "answer"]
    handed = [r for r in replies if r["route"] == "handoff"]
    assert len(answered) == 3 and len(handed) == 1, [r["route"] for r in replies]
    assert all("99 ₽" in r["text"] for r in answered)
    waited = [frames for frames in results[1:] if frames[-1]["route"] == "answer"]
    for frames in waited:
        kinds = [f["type"] for f in frames]
        assert "queue" in kinds and kinds.index("queue") < kinds.index("token"), kinds
        notice = next(f["text"] for f in frames if f["type"] == "queue")
        assert re.search(r"[12]-й в очереди", notice) and "мин" in notice, notice
    positions = sorted(
        int(re.search(r"(\d)-й", f["text"]).group(1))  # type: ignore[union-attr]
        for frames in waited
        for f in frames
        if f["type"] == "queue"
    )
    assert positions[0] == 1 and 2 in positions  # one was second in line, then first
    assert "очеред" in handed[0]["text"] or "оператор" in handed[0]["text"]

    metrics = httpx.get(f"{server.base_url}/metrics", timeout=10).text
    count = re.search(r"^perimeter_model_queue_wait_seconds_count (\S+)$", metrics, re.M)
    assert count and float(count.group(1)) >= 3
    refused = re.search(r"^perimeter_model_refused_total (\S+)$", metrics, re.M)
    assert refused and float(refused.group(1)) >= 1
    assert re.search(r'^perimeter_model_queue_length\{state="waiting"\} 0\.0$', metrics, re.M)
