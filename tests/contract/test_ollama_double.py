"""The Ollama test double speaks the real wire format: the official clients parse it."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import ollama
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langchain_ollama import ChatOllama

from integrations.processes import child_process, free_port
from tests.support.doubles.ollama_server import (
    OLLAMA_VERSION,
    OllamaDoubleConfig,
    run_ollama_double,
    run_ollama_double_in_thread,
    split_pieces,
)

MODEL = "qwen2.5:7b-instruct-q4_K_M"
REPLY = "Your card is blocked. Call the bank to unblock it."
USER = [{"role": "user", "content": "Why was my card declined?"}]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config() -> OllamaDoubleConfig:
    return OllamaDoubleConfig(models=[MODEL, "llama3"], reply=REPLY)


@pytest.fixture
async def base_url(config: OllamaDoubleConfig) -> AsyncIterator[str]:
    async with run_ollama_double(config) as url:
        yield url


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[ollama.AsyncClient]:
    async with ollama.AsyncClient(host=base_url) as c:
        yield c


def test_split_pieces_keeps_every_character() -> None:
    for text in ["", " ", "one", "  two  words ", "line\nbreak\n\n", REPLY]:
        assert "".join(split_pieces(text)) == text
    assert split_pieces("Hello there, you") == ["Hello", " there,", " you"]


@pytest.mark.asyncio
async def test_version_and_root(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        version = await http.get("/api/version")
        root = await http.get("/")
    assert version.json() == {"version": OLLAMA_VERSION}
    assert root.text == "Ollama is running"


@pytest.mark.asyncio
async def test_tags_lists_configured_models(base_url: str, client: ollama.AsyncClient) -> None:
    listed = await client.list()
    assert [m.model for m in listed.models] == [MODEL, "llama3:latest"]
    assert listed.models[0].details is not None
    assert listed.models[0].details.format == "gguf"
    assert listed.models[0].modified_at is not None
    async with httpx.AsyncClient(base_url=base_url) as http:
        raw = (await http.get("/api/tags")).json()
    entry = raw["models"][0]
    assert entry["name"] == entry["model"] == MODEL
    assert {"modified_at", "size", "digest", "details"} <= entry.keys()
    assert len(entry["digest"]) == 64


@pytest.mark.asyncio
async def test_official_client_streams_the_reply(
    client: ollama.AsyncClient, config: OllamaDoubleConfig
) -> None:
    parts = [
        part
        async for part in await client.chat(
            model=MODEL, messages=USER, stream=True, options={"temperature": 0.1}, keep_alive="5m"
        )
    ]
    assert "".join(p.message.content or "" for p in parts) == REPLY
    assert len(parts) == len(split_pieces(REPLY)) + 1
    assert all(p.done is False for p in parts[:-1])
    final = parts[-1]
    assert final.done is True
    assert final.done_reason == "stop"
    assert final.message.role == "assistant"
    assert final.message.content == ""
    assert final.eval_count == len(split_pieces(REPLY))
    assert final.prompt_eval_count is not None
    assert final.prompt_eval_count > 0
    for counter in (final.total_duration, final.load_duration, final.eval_duration):
        assert counter is not None
        assert counter > 0
    (sent,) = config.requests
    assert sent["model"] == MODEL
    assert sent["messages"] == USER
    assert sent["stream"] is True
    assert sent["options"] == {"temperature": 0.1}
    assert sent["keep_alive"] == "5m"


@pytest.mark.asyncio
async def test_raw_stream_is_ndjson(base_url: str) -> None:
    body = {"model": MODEL, "messages": USER}  # "stream" omitted: Ollama streams by default
    async with (
        httpx.AsyncClient(base_url=base_url) as http,
        http.stream("POST", "/api/chat", json=body) as response,
    ):
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) async for line in response.aiter_lines() if line]
    assert {"model", "created_at", "message", "done"} == lines[0].keys()
    assert lines[0]["created_at"].endswith("Z")
    assert lines[-1]["done"] is True
    assert {
        "done_reason",
        "total_duration",
        "load_duration",
        "prompt_eval_count",
        "prompt_eval_duration",
        "eval_count",
        "eval_duration",
    } <= lines[-1].keys()


@pytest.mark.asyncio
async def test_non_streaming_chat(client: ollama.AsyncClient) -> None:
    response = await client.chat(model=MODEL, messages=USER, stream=False)
    assert response.done is True
    assert response.done_reason == "stop"
    assert response.message.content == REPLY
    assert response.eval_count == len(split_pieces(REPLY))


@pytest.mark.asyncio
async def test_unknown_model_is_404(client: ollama.AsyncClient) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        async for _ in await client.chat(model="mistral:7b", messages=USER, stream=True):
            pass
    assert caught.value.status_code == 404
    assert caught.value.error == 'model "mistral:7b" not found, try pulling it first'


@pytest.mark.asyncio
async def test_model_without_tag_means_latest(client: ollama.AsyncClient) -> None:
    response = await client.chat(model="llama3:latest", messages=USER, stream=False)
    assert response.message.content == REPLY


@pytest.mark.asyncio
async def test_num_predict_truncates(
    client: ollama.AsyncClient, config: OllamaDoubleConfig
) -> None:
    parts = [
        part
        async for part in await client.chat(
            model=MODEL, messages=USER, stream=True, options={"num_predict": 3}
        )
    ]
    assert "".join(p.message.content or "" for p in parts) == "".join(split_pieces(REPLY)[:3])
    assert parts[-1].done_reason == "length"
    assert parts[-1].eval_count == 3
    assert config.requests[-1]["options"] == {"num_predict": 3}


@pytest.mark.asyncio
async def test_reply_callable_sees_messages(
    client: ollama.AsyncClient, config: OllamaDoubleConfig
) -> None:
    seen: list[list[dict[str, Any]]] = []

    def echo(messages: list[dict[str, Any]]) -> str:
        seen.append(messages)
        return f"You said: {messages[-1]['content']}"

    config.reply = echo
    response = await client.chat(model=MODEL, messages=USER, stream=False)
    assert response.message.content == "You said: Why was my card declined?"
    assert seen == [USER]


@pytest.mark.asyncio
async def test_delay_makes_streaming_observable(
    client: ollama.AsyncClient, config: OllamaDoubleConfig
) -> None:
    config.reply = "one two three four"
    config.delay_s = 0.05
    arrivals: list[float] = []
    async for part in await client.chat(model=MODEL, messages=USER, stream=True):
        if not part.done:
            arrivals.append(time.monotonic())
    assert len(arrivals) == 4
    assert arrivals[-1] - arrivals[0] >= 0.1


@pytest.mark.asyncio
async def test_fail_status(client: ollama.AsyncClient, config: OllamaDoubleConfig) -> None:
    config.fail_status = 500
    with pytest.raises(ollama.ResponseError) as caught:
        await client.chat(model=MODEL, messages=USER, stream=False)
    assert caught.value.status_code == 500
    assert caught.value.error == config.fail_message


@pytest.mark.asyncio
async def test_hang_times_out_and_stops_cleanly() -> None:
    config = OllamaDoubleConfig(models=[MODEL], hang=True)
    started = time.monotonic()
    async with run_ollama_double(config) as url:
        async with ollama.AsyncClient(host=url, timeout=0.3) as c:
            with pytest.raises(httpx.ReadTimeout):
                await c.chat(model=MODEL, messages=USER, stream=False)
            with pytest.raises(httpx.ReadTimeout):
                async for _ in await c.chat(model=MODEL, messages=USER, stream=True):
                    pass
        assert len(config.requests) == 2
    assert time.monotonic() - started < 5


@pytest.mark.asyncio
async def test_empty_messages_only_load_the_model(client: ollama.AsyncClient) -> None:
    response = await client.chat(model=MODEL, messages=[], stream=False)
    assert response.done is True
    assert response.done_reason == "load"


@pytest.mark.asyncio
async def test_generate_streams(client: ollama.AsyncClient, config: OllamaDoubleConfig) -> None:
    parts = [p async for p in await client.generate(model=MODEL, prompt="hi", stream=True)]
    assert "".join(p.response or "" for p in parts) == REPLY
    assert parts[-1].done is True
    assert parts[-1].done_reason == "stop"
    assert parts[-1].context
    assert config.generate_requests[0]["prompt"] == "hi"


@pytest.mark.asyncio
async def test_langchain_chatollama_astream(base_url: str, config: OllamaDoubleConfig) -> None:
    llm = ChatOllama(base_url=base_url, model=MODEL, temperature=0.1, num_predict=64)
    try:
        chunks = [chunk async for chunk in llm.astream([HumanMessage("Why was my card declined?")])]
        assert "".join(str(c.content) for c in chunks) == REPLY
        assert sum(1 for c in chunks if c.content) == len(split_pieces(REPLY))
        assert all(isinstance(c, AIMessageChunk) for c in chunks)
        sent = config.requests[-1]
        assert sent["model"] == MODEL
        assert sent["messages"] == USER
        assert sent["options"]["num_predict"] == 64
        assert sent["options"]["temperature"] == 0.1

        message = await llm.ainvoke("Why was my card declined?")
        assert isinstance(message, AIMessage)
        assert message.content == REPLY
        assert message.response_metadata["done_reason"] == "stop"
        assert message.usage_metadata is not None
        assert message.usage_metadata["output_tokens"] == len(split_pieces(REPLY))
    finally:
        await llm._async_client.close()  # type: ignore[no-untyped-call]
        llm._client.close()  # type: ignore[no-untyped-call]


def test_sync_clients_against_threaded_double(config: OllamaDoubleConfig) -> None:
    with run_ollama_double_in_thread(config) as url:
        llm = ChatOllama(base_url=url, model=MODEL, validate_model_on_init=True)
        try:
            assert llm.invoke("hello").content == REPLY
        finally:
            llm._client.close()  # type: ignore[no-untyped-call]
        with ollama.Client(host=url) as sync_client:
            with pytest.raises(ollama.ResponseError) as caught:
                sync_client.chat(model="absent", messages=USER)
            assert caught.value.status_code == 404


@pytest.fixture
def cli_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with child_process(
        [sys.executable, "-m", "tests.support.doubles.ollama_server", "--port", str(port)],
        log=tmp_path / "ollama-double.log",
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        health_url=f"{url}/api/version",
        startup_s=20,
        stop_s=10,
    ):
        yield url


def test_runs_as_a_module(cli_server: str) -> None:
    with ollama.Client(host=cli_server) as c:
        names = [m.model for m in c.list().models]
        assert names == ["qwen2.5:7b-instruct-q4_K_M"]
        reply = c.chat(model=names[0], messages=USER)
        assert reply.done is True
        assert reply.message.content


@pytest.mark.asyncio
async def test_stops_listening_on_exit() -> None:
    async with run_ollama_double() as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/api/version")).status_code == 200
    async with httpx.AsyncClient(base_url=url) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("/api/version")
