"""End to end: `perimeter serve` as a real process, real WebSocket and HTTP clients,
real embeddings, Qdrant local mode on disk, and the real 0.5B GGUF through llama.cpp."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.conftest import KB_DIR
from tests.support.doubles.ollama_server import OllamaDoubleConfig, run_ollama_double
from tests.support.servers import (
    HealthProbe,
    RunningServer,
    embedded_llm_server,
    free_port,
    perimeter_server,
    server_env,
)
from tests.support.webchat import bearer, open_chat

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def server(test_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with embedded_llm_server(tmp_path_factory.mktemp("webchat"), test_gguf) as running:
        yield running


async def receive_until_reply(ws: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    frames: list[dict[str, Any]] = []
    while True:
        frame = json.loads(await ws.recv())
        frames.append(frame)
        if frame["type"] in ("reply", "error"):
            return frames, frame


async def send(ws: Any, text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    await ws.send(json.dumps({"type": "message", "text": text}))
    return await receive_until_reply(ws)


async def test_knowledge_answer_streams_token_by_token_with_its_source(
    server: RunningServer,
) -> None:
    ws, hello = await open_chat(server.ws_url)
    async with ws:
        frames, reply = await send(ws, "Сколько стоит обслуживание дебетовой карты?")
    assert frames[0]["type"] == "ack"
    tokens = [f["text"] for f in frames if f["type"] == "token"]
    assert reply["route"] == "answer", reply
    assert len(tokens) >= 2, "the reply must stream, not arrive in one piece"
    assert "99" in reply["text"]
    # Both the fees document and the curated FAQ state the fee: either is a right source.
    assert {"cards-debit-fees", "faq-popular"} & {s["id"] for s in reply["sources"]}
    assert not reply["handoff"]

    # The conversation survives a reload: the same id and secret bring the transcript back.
    ws2, again = await open_chat(server.ws_url, resume=hello)
    await ws2.close()
    assert again["conversation_id"] == hello["conversation_id"]
    roles = [(m["role"], m["text"]) for m in again["messages"]]
    assert roles[0] == ("customer", "Сколько стоит обслуживание дебетовой карты?")
    assert roles[1] == ("bot", reply["text"])
    assert again["messages"][1]["sources"][0]["id"] == reply["sources"][0]["id"]


async def test_follow_up_is_understood_in_context(server: RunningServer) -> None:
    ws, hello = await open_chat(server.ws_url)
    async with ws:
        await send(ws, "Привет!")
        await send(ws, "Какая комиссия за перевод по СБП?")
        _, follow_up = await send(ws, "а какой лимит в месяц?")
    # On its own «а какой лимит в месяц?» retrieves the ATM document first; in context it must
    # land on the SBP transfers document. The small test model may then answer or abstain:
    # either way the evidence it worked from (cited, or stored with the handoff for the
    # operator) is the SBP document.
    if follow_up["route"] == "answer":
        evidence = [s["id"] for s in follow_up["sources"]]
    else:
        assert follow_up["route"] == "handoff"
        evidence = handoff_passages(server, hello["conversation_id"])[:1]
    assert evidence[0] in ("transfers-sbp", "faq-popular")  # the FAQ has the SBP limits too


def handoff_passages(server: RunningServer, conversation_id: str) -> list[str]:
    """What the bot retrieved before its latest handoff, read from the server's database."""
    with sqlite3.connect(f"file:{server.data_dir / 'perimeter.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT passages FROM handoff_requests WHERE conversation_id = ? ORDER BY id DESC"
            " LIMIT 1",
            (conversation_id,),
        ).fetchall()
    return [p["doc_id"] for (raw,) in rows for p in json.loads(raw)]


async def test_smalltalk_out_of_scope_and_handoff_over_websocket(server: RunningServer) -> None:
    ws, _ = await open_chat(server.ws_url)
    async with ws:
        _, hello = await send(ws, "Здравствуйте")
        _, weather = await send(ws, "Какая погода будет завтра в Москве?")
        _, balance = await send(ws, "какой у меня баланс?")
        _, unknown = await send(ws, "Есть ли у вас металлические счета в палладии?")
        _, waiting = await send(ws, "Позовите оператора")
    assert balance["route"] == "auth_required"
    assert "убедиться, что это вы" in balance["text"]
    assert (hello["route"], weather["route"]) == ("smalltalk", "out_of_scope")
    assert unknown["route"] == "handoff" and unknown["handoff"]
    # The conversation already waits for a person: the bot says so, no second handoff.
    assert waiting["route"] == "operator" and "оператору" in waiting["text"]


async def test_bad_websocket_input_gets_clear_errors_and_the_server_keeps_serving(
    server: RunningServer,
) -> None:
    ws, hello = await open_chat(server.ws_url)
    async with ws:
        _, empty = await send(ws, "   ")
        _, long = await send(ws, "я" * 20_000)
        await ws.send(b"\x00\xff\xfe binary junk")
        _, binary = await receive_until_reply(ws)
        await ws.send("{not json")
        _, malformed = await receive_until_reply(ws)
        await ws.send(json.dumps({"type": "message", "text": 42}))
        _, wrong_type = await receive_until_reply(ws)
        _, fine = await send(ws, "Спасибо!")
    assert (empty["code"], long["code"], binary["code"], malformed["code"], wrong_type["code"]) == (
        "empty",
        "too_long",
        "bad_request",
        "bad_request",
        "bad_request",
    )
    assert "4000" in long["message"]
    assert all("Traceback" not in f["message"] for f in (empty, long, binary, malformed))
    assert fine["route"] == "smalltalk"
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        response = await client.get(
            f"/api/conversations/{hello['conversation_id']}/messages",
            headers={"Authorization": f"Bearer {hello['token']}"},
        )
    transcript = response.json()
    assert [m["text"] for m in transcript["messages"]][-2] == "Спасибо!"


async def test_unknown_conversation_id_starts_a_new_conversation(server: RunningServer) -> None:
    unknown = {"conversation_id": "no-such-conversation", "token": "x" * 43}
    ws, hello = await open_chat(server.ws_url, resume=unknown)
    await ws.close()
    assert hello["conversation_id"] != "no-such-conversation"
    assert hello["messages"] == []
    assert hello["token"]


def test_http_endpoint_for_clients_without_websocket(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=300) as client:
        created = client.post("/api/conversations")
        assert created.status_code == 201
        conversation_id, key = bearer(created.json())
        answered = client.post(
            f"/api/conversations/{conversation_id}/messages", json={"text": "Привет"}, headers=key
        )
        assert answered.status_code == 200
        assert answered.json()["route"] == "smalltalk"
        too_long = client.post(
            f"/api/conversations/{conversation_id}/messages",
            json={"text": "x" * 20_000},
            headers=key,
        )
        assert too_long.status_code == 422
        assert too_long.json()["code"] == "too_long"
        missing = client.post(
            "/api/conversations/nope/messages", json={"text": "Привет"}, headers=key
        )
        assert missing.status_code == 404
        assert client.get("/api/conversations/nope/messages", headers=key).status_code == 404
        malformed = client.post(
            f"/api/conversations/{conversation_id}/messages",
            content=b"{oops",
            headers={"content-type": "application/json", **key},
        )
        assert malformed.status_code == 422
        history = client.get(f"/api/conversations/{conversation_id}/messages", headers=key).json()
        assert [m["role"] for m in history["messages"]] == ["customer", "bot"]


def test_a_customer_rates_a_reply_with_thumbs_up_or_down(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=120) as client:
        conversation_id, key = bearer(client.post("/api/conversations").json())
        turn = client.post(
            f"/api/conversations/{conversation_id}/messages", json={"text": "Привет"}, headers=key
        ).json()
        base = f"/api/conversations/{conversation_id}/messages"

        def rate(message_id: str, body: object, **headers: str) -> httpx.Response:
            return client.post(
                f"{base}/{message_id}/feedback", json=body, headers={**key, **headers}
            )

        before = client.get("/metrics").text
        assert rate(turn["reply_id"], {"helpful": False}).status_code == 204
        assert rate(turn["reply_id"], {"helpful": True}).status_code == 204  # changed mind
        after = client.get("/metrics").text
        # Only the bot's replies of this conversation can be rated.
        assert rate(turn["message_id"], {"helpful": True}).status_code == 404
        assert rate("999999", {"helpful": True}).status_code == 404
        assert rate(turn["reply_id"], {"helpful": "yes please"}).status_code == 422
        assert rate("abc", {"helpful": True}).status_code == 422
        other, other_key = bearer(client.post("/api/conversations").json())
        foreign = client.post(
            f"/api/conversations/{other}/messages/{turn['reply_id']}/feedback",
            json={"helpful": True},
            headers=other_key,
        )
        assert foreign.status_code == 404
        anonymous = client.post(f"{base}/{turn['reply_id']}/feedback", json={"helpful": True})
        assert anonymous.status_code == 401

    def count(metrics: str, rating: str) -> float:
        line = f'perimeter_feedback_total{{rating="{rating}"}}'
        found = [float(x.split()[-1]) for x in metrics.splitlines() if x.startswith(line)]
        return found[0] if found else 0.0

    assert count(after, "down") - count(before, "down") == 1
    assert count(after, "up") - count(before, "up") == 1


# The shapes that made the old patterns backtrack quadratically, 256 KB each.
ADVERSARIAL = {
    "dashes": "-" * 262_144,
    "cyrillic": "А" * 262_144,
    "spaces": " " * 262_144,
    "a.": "a." * 131_072,
    "digits": "1 " * 131_072,  # runs of grouped digits: the personal-data detector's input
    "streets": "ул. Мира 1, " * 21_846,
}


async def test_adversarial_input_is_refused_first_and_healthz_keeps_answering(
    server: RunningServer,
) -> None:
    """256 KB of each shape through every customer path (an HTTP message, a WebSocket frame,
    an anonymous upload), and the longest message allowed of each shape all the way through
    the dialogue, while /healthz is asked every 50 ms."""
    per_shape: dict[str, list[float]] = {}
    with HealthProbe(server.base_url) as probe:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
            for shape, text in ADVERSARIAL.items():
                before = len(probe.seconds)
                created = await client.post("/api/conversations")
                cid, key = bearer(created.json())
                huge = await client.post(
                    f"/api/conversations/{cid}/messages", json={"text": text}, headers=key
                )
                assert (huge.status_code, huge.json()["code"]) == (413, "too_large"), shape
                upload = await client.post(
                    "/admin/api/documents", files={"file": ("kb.md", text.encode())}
                )
                assert upload.status_code == 401, shape  # refused before the form is parsed
                longest = await client.post(
                    f"/api/conversations/{cid}/messages", json={"text": text[:4000]}, headers=key
                )
                assert longest.status_code in (200, 422), (shape, longest.text)
                await asyncio.sleep(0.2)  # at least a few probes per shape
                per_shape[shape] = probe.seconds[before:]
            ws, _ = await open_chat(server.ws_url)
            async with ws:
                for shape, text in ADVERSARIAL.items():  # UTF-8, as the widget sends it
                    await ws.send(json.dumps({"type": "message", "text": text}, ensure_ascii=False))
                    _, refused = await receive_until_reply(ws)
                    assert refused["code"] == "too_long", shape
                _, fine = await send(ws, "Спасибо!")
            assert fine["route"] == "smalltalk"
            ws, _ = await open_chat(server.ws_url)
            with pytest.raises(websockets.ConnectionClosedError) as closed:
                async with ws:  # over 1 MB a frame is not even buffered
                    await send(ws, "-" * (1024 * 1024 + 1))
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert not probe.failures
    assert len(probe.seconds) >= 10
    slowest = max(probe.seconds)
    median = statistics.median(probe.seconds)
    print(f"/healthz under adversarial input: median {median:.3f} s, max {slowest:.3f} s")
    for shape, seconds in per_shape.items():
        if seconds:
            print(
                f"  {shape:9} median {statistics.median(seconds) * 1000:.0f} ms, "
                f"max {max(seconds) * 1000:.0f} ms ({len(seconds)} probes)"
            )
    assert median < 0.2
    assert slowest < 1.0  # the old patterns held the event loop for minutes


def test_health_metrics_and_widget(server: RunningServer) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        assert client.get("/healthz").json()["status"] == "ok"
        page = client.get("/")
        assert page.status_code == 200
        assert '<h1 id="chat-title">Чат поддержки</h1>' in page.text  # no bank set: none named
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["content-security-policy"].endswith("frame-ancestors 'self'")
        assert client.get("/static/widget.js").status_code == 200
        metrics = client.get("/metrics").text
    assert 'perimeter_handoffs_total{reason="customer_request"}' in metrics
    assert 'perimeter_stage_seconds_bucket{le="0.005",stage="store"}' in metrics
    assert 'perimeter_messages_total{route="answer"}' in metrics
    assert 'perimeter_http_requests_total{method="GET",path="/healthz",status="200"}' in metrics
    # No customer text in metrics or labels.
    assert "дебетовой" not in metrics and "Позовите" not in metrics


def test_the_api_description_is_off_unless_asked_for(server: RunningServer) -> None:
    """PERIMETER_HTTP__API_DOCS is off by default: the customers' port does not publish the
    API's shape (``tests/e2e/test_http_contract.py`` turns it on)."""
    with httpx.Client(base_url=server.base_url) as client:
        for path in ("/openapi.json", "/docs", "/redoc", "/docs/static/docs.js"):
            refused = client.get(path)
            assert refused.status_code == 404, path
            assert refused.json()["code"] == "not_found"


def test_logs_carry_ids_not_customer_text(server: RunningServer) -> None:
    log = server.log_text()
    assert "conversation=" in log
    assert "Сколько стоит обслуживание" not in log
    assert "палладии" not in log


async def test_llm_server_down_means_a_clear_message_and_a_handoff(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with perimeter_server(
        tmp_path,
        llm__backend="openai",
        llm__openai_base_url=dead,
        llm__model="x",
        llm__timeout_s="5",
    ) as running:
        ws, _ = await open_chat(running.ws_url)
        async with ws:
            _, reply = await send(ws, "Сколько стоит обслуживание дебетовой карты?")
            _, after = await send(ws, "Привет")
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"{running.base_url}/metrics")).text
    assert reply["route"] == "handoff"
    assert "временно недоступен" in reply["text"]
    assert after["route"] == "operator", "it waits for a person now; the bot says so"
    assert 'perimeter_handoffs_total{reason="model_unavailable"} 1.0' in metrics


async def test_a_flooding_conversation_gets_429_and_an_error_frame(tmp_path: Path) -> None:
    """Two messages per conversation and window here, two conversations per client address;
    smalltalk never asks the model."""
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with perimeter_server(
        tmp_path,
        llm__backend="openai",
        llm__openai_base_url=dead,
        llm__model="x",
        chat__rate_messages="2",
        chat__rate_window_s="600",
        chat__rate_conversations="2",
        chat__rate_conversations_window_s="600",
    ) as running:
        async with httpx.AsyncClient(base_url=running.base_url) as client:
            conversation_id, key = bearer((await client.post("/api/conversations")).json())
            client.headers.update(key)
            url = f"/api/conversations/{conversation_id}/messages"
            answered = [await client.post(url, json={"text": "Привет"}) for _ in range(2)]
            refused = await client.post(url, json={"text": "Привет"})
            history = (await client.get(url)).json()["messages"]
        ws, _ = await open_chat(running.ws_url)
        async with ws:
            replies = [(await send(ws, "Привет"))[1] for _ in range(2)]
            _, frame = await send(ws, "Привет")
        async with httpx.AsyncClient(base_url=running.base_url, headers=key) as client:
            third = await client.post("/api/conversations")  # the address's third
            again = await client.get(url)  # an existing conversation is still served
            # Behind the bank's proxy (127.0.0.1 is trusted by default) each customer's
            # address has its own budget.
            proxied = await client.post(
                "/api/conversations", headers={"X-Forwarded-For": "203.0.113.7"}
            )
        async with websockets.connect(running.ws_url) as ws:
            await ws.send(json.dumps({"type": "hello"}))
            refusal = json.loads(await ws.recv())
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
    assert third.status_code == 429 and third.json()["code"] == "rate_limited"
    assert 0 < int(third.headers["Retry-After"]) <= 600
    assert again.status_code == 200
    assert proxied.status_code == 201
    assert refusal["type"] == "error" and refusal["code"] == "rate_limited"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
    assert [r.status_code for r in answered] == [200, 200]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    body = refused.json()
    assert body["code"] == "rate_limited" and "Подождите" in body["message"]
    assert len(history) == 4, "a refused message is not stored"
    assert [r["route"] for r in replies] == ["smalltalk", "smalltalk"]
    assert frame["type"] == "error" and frame["code"] == "rate_limited"
    assert "Подождите" in frame["message"] and 0 < frame["retry_after_s"] <= 600


async def test_a_full_model_queue_hands_over_at_once(test_gguf: Path, tmp_path: Path) -> None:
    """One generation at a time and none waiting: of two questions asked together, one is
    answered by the real model and the other is told at once that it is busy."""
    with embedded_llm_server(
        tmp_path,
        test_gguf,
        llm__max_running="1",
        llm__max_waiting="0",
        operators__model_summary="false",
    ) as running:
        async with httpx.AsyncClient(base_url=running.base_url, timeout=120) as client:
            keys = [bearer((await client.post("/api/conversations")).json()) for _ in "ab"]
            question = {"text": "Сколько стоит обслуживание дебетовой карты?"}
            replies = await asyncio.gather(
                *(
                    client.post(f"/api/conversations/{cid}/messages", json=question, headers=key)
                    for cid, key in keys
                )
            )
            metrics = (await client.get("/metrics")).text
    bodies = [r.json() for r in replies]
    busy = [b for b in bodies if b["handoff"] and "много обращений" in b["text"]]
    assert len(busy) == 1, bodies
    assert next(b for b in bodies if b is not busy[0])["route"] == "answer"
    assert 'reason="model_busy"' in metrics


async def test_hanging_llm_server_times_out_into_a_handoff(tmp_path: Path) -> None:
    config = OllamaDoubleConfig(models=["qwen2.5:7b-instruct"], hang=True)
    async with run_ollama_double(config) as ollama_url:
        with perimeter_server(
            tmp_path,
            llm__backend="ollama",
            llm__ollama_host=ollama_url,
            llm__model="qwen2.5:7b-instruct",
            llm__first_token_timeout_s="2",
            llm__timeout_s="4",
        ) as running:
            ws, _ = await open_chat(running.ws_url)
            async with ws:
                _, reply = await send(ws, "Сколько стоит обслуживание дебетовой карты?")
    assert reply["route"] == "handoff"
    assert "временно недоступен" in reply["text"]
    assert len(config.requests) == 1


def test_second_instance_on_a_locked_knowledge_base_fails_clearly(
    server: RunningServer,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "kb", "ingest", str(KB_DIR)],
        env=server_env(server.data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "in use by another Perimeter process" in result.stderr
    assert "Traceback" not in result.stderr
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200
