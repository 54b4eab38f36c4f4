"""The gateway's HTTP surface with scripted upstreams: keys, limits, the OpenAI shapes of
answers, streams and errors, routing with its audit row, and pseudonymization round trips.
(The real upstreams and clients: ``tests/e2e/test_gateway.py``.)"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from bot.dialogue.rate_limits import MemoryRateLimiter
from bot.gateway.api import gateway_app
from bot.gateway.keys import KeyRing
from bot.gateway.knowledge import KnowledgeModel
from bot.gateway.models import KeyPolicy, Zone
from bot.gateway.router import Health, RoutePolicy
from bot.gateway.screening import Screen
from bot.gateway.service import Gateway, GatewayPolicy
from bot.gateway.upstreams import ChatCall, Unavailable, Usage
from bot.knowledge.fake import FakeKnowledgeBase
from bot.privacy.detector import PiiDetector
from bot.storage import memory_stores


@dataclass
class ScriptedUpstream:
    """Answers with ``reply`` (or echoes the last message), records every call."""

    name: str
    zone: Zone
    models: tuple[str, ...]
    context_tokens: int = 8192
    reply: str | None = None
    state: Health = Health.OK
    fail_with: Health | None = None
    calls: list[ChatCall] = field(default_factory=list)

    def health(self) -> Health:
        return self.state

    async def stream(self, call: ChatCall, usage: Usage) -> AsyncIterator[str]:
        self.calls.append(call)
        if self.fail_with is not None:
            raise Unavailable(self.fail_with, "scripted")
        text = self.reply if self.reply is not None else call.messages[-1][1]
        usage.prompt_tokens = 7
        for word in text.split(" "):
            usage.completion_tokens += 1
            yield word + " "

    async def aclose(self) -> None:
        pass


class Vectors:
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(len(t)), 0.5, -1.0] for t in texts]


@dataclass
class World:
    client: httpx.AsyncClient
    local: ScriptedUpstream
    cloud: ScriptedUpstream
    keys: KeyRing
    stores: Any
    key: str


async def world(
    policy: RoutePolicy | None = None, key_policy: KeyPolicy | None = None, **limits: Any
) -> World:
    stores = memory_stores()
    keys = KeyRing(stores.gateway_keys)
    local = ScriptedUpstream("local", Zone.PRIVATE, ("qwen-small",), 4096, reply="local answer")
    cloud = ScriptedUpstream("cloud", Zone.EXTERNAL, ("big-model",), 128_000)
    gateway = Gateway(
        keys,
        stores.gateway_calls,
        Screen(PiiDetector()),
        [local, cloud],
        MemoryRateLimiter(),
        GatewayPolicy(policy or RoutePolicy(allow_external=True, fallback="cloud"), **limits),
        knowledge=KnowledgeModel(FakeKnowledgeBase(), "ru"),
        embedder=Vectors(),
    )
    _, key = await keys.add("crm", key_policy or KeyPolicy())
    app = gateway_app(gateway, max_body_bytes=64 * 1024)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://gateway",
        headers={"Authorization": f"Bearer {key}"},
    )
    return World(client, local, cloud, keys, stores, key)


def chat(model: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


def assert_openai_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code


async def test_keys_are_required_and_revocable() -> None:
    w = await world()
    assert (await w.client.get("/v1/models")).status_code == 200
    anonymous = await w.client.get("/v1/models", headers={"Authorization": ""})
    assert_openai_error(anonymous, 401, "invalid_api_key")
    wrong = await w.client.get("/v1/models", headers={"Authorization": "Bearer pk-nope"})
    assert_openai_error(wrong, 401, "invalid_api_key")
    await w.keys.revoke("crm")
    assert_openai_error(
        await w.client.post("/v1/chat/completions", json=chat("perimeter", "hi")), 401
    )
    stored = await w.stores.gateway_keys.list_keys()
    assert w.key not in repr(stored)  # only its hash is kept


async def test_models_lists_what_the_key_may_use() -> None:
    w = await world(key_policy=KeyPolicy(models=("perimeter", "perimeter-kb")))
    listed = (await w.client.get("/v1/models")).json()
    assert listed["object"] == "list"
    assert [m["id"] for m in listed["data"]] == ["perimeter", "perimeter-kb"]
    refused = await w.client.post("/v1/chat/completions", json=chat("big-model", "привет"))
    assert_openai_error(refused, 403, "model_not_allowed")
    unknown = await w.client.post("/v1/chat/completions", json=chat("gpt-9", "привет"))
    assert_openai_error(unknown, 404, "model_not_found")


async def test_external_models_are_hidden_while_external_upstreams_are_off() -> None:
    w = await world(policy=RoutePolicy())
    ids = [m["id"] for m in (await w.client.get("/v1/models")).json()["data"]]
    assert "big-model" not in ids and "perimeter" in ids


async def test_a_completion_in_openai_shape_with_its_route() -> None:
    w = await world()
    response = await w.client.post("/v1/chat/completions", json=chat("perimeter", "Как дела?"))
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["model"] == "perimeter"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "local answer "}
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + 2
    assert response.headers["X-Perimeter-Upstream"] == "local"
    [row] = await w.stores.gateway_calls.calls(since=_epoch())
    assert (row.key_name, row.upstream, row.reason, row.status) == ("crm", "local", "local", 200)
    assert row.upstream_model == "qwen-small"  # the model chosen: the local model's own name


async def test_a_stream_of_server_sent_events() -> None:
    w = await world()
    body = chat("big-model", "one two three", stream=True, stream_options={"include_usage": True})
    async with w.client.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] async for line in response.aiter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "one two three "
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == 3


async def test_malformed_requests_get_openai_errors() -> None:
    w = await world()
    broken = await w.client.post(
        "/v1/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_openai_error(broken, 400)
    assert_openai_error(
        await w.client.post("/v1/chat/completions", json={"model": "perimeter"}), 400
    )
    bad_role = {"model": "perimeter", "messages": [{"role": "wizard", "content": "x"}]}
    assert_openai_error(await w.client.post("/v1/chat/completions", json=bad_role), 400)
    hot = chat("perimeter", "x", temperature=9)
    response = await w.client.post("/v1/chat/completions", json=hot)
    assert_openai_error(response, 400)
    assert response.json()["error"]["param"] == "temperature"
    tools = chat("perimeter", "x", tools=[{"type": "function", "function": {"name": "f"}}])
    assert_openai_error(
        await w.client.post("/v1/chat/completions", json=tools), 400, "unsupported_parameter"
    )
    image = {
        "model": "perimeter",
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
        ],
    }
    assert_openai_error(
        await w.client.post("/v1/chat/completions", json=image), 400, "unsupported_content"
    )


async def test_oversized_requests_are_refused_unread() -> None:
    w = await world(max_request_chars=1000, max_messages=3)
    huge = await w.client.post("/v1/chat/completions", json=chat("perimeter", "я" * 70_000))
    assert_openai_error(huge, 413, "too_large")
    long = await w.client.post("/v1/chat/completions", json=chat("perimeter", "a" * 1001))
    assert_openai_error(long, 400, "request_too_large")
    many = {"model": "perimeter", "messages": [{"role": "user", "content": "a"}] * 4}
    assert_openai_error(
        await w.client.post("/v1/chat/completions", json=many), 400, "request_too_large"
    )
    assert w.local.calls == []


async def test_rate_and_token_quotas_answer_429_with_retry_after() -> None:
    w = await world(key_policy=KeyPolicy(requests_per_minute=2))
    for _ in range(2):
        assert (
            await w.client.post("/v1/chat/completions", json=chat("perimeter", "x"))
        ).status_code == 200
    third = await w.client.post("/v1/chat/completions", json=chat("perimeter", "x"))
    assert_openai_error(third, 429, "rate_limit_exceeded")
    assert 1 <= int(third.headers["Retry-After"]) <= 60

    w = await world(key_policy=KeyPolicy(tokens_per_day=5))
    assert (
        await w.client.post("/v1/chat/completions", json=chat("perimeter", "x"))
    ).status_code == 200
    spent = await w.client.post("/v1/chat/completions", json=chat("perimeter", "x"))
    assert_openai_error(spent, 429, "insufficient_quota")
    assert int(spent.headers["Retry-After"]) <= 86_400
    reasons = [r.reason for r in await w.stores.gateway_calls.calls(since=_epoch())]
    assert reasons == ["local", "token_quota"]


async def test_personal_data_stays_on_the_private_upstream() -> None:
    w = await world()
    text = "Составь письмо клиенту, его телефон +7 916 123-45-67, карта 4276 3801 2345 6787"
    response = await w.client.post("/v1/chat/completions", json=chat("big-model", text))
    assert response.status_code == 200
    assert w.cloud.calls == [] and len(w.local.calls) == 1
    assert response.headers["X-Perimeter-Route"] == "named_model,pii_private"
    [row] = await w.stores.gateway_calls.calls(since=_epoch())
    assert row.pii == {"phone": 1, "card": 1}
    assert (row.model, row.upstream, row.upstream_model) == ("big-model", "local", "qwen-small")
    assert "916" not in repr(row) and "4276" not in repr(row)
    clean = await w.client.post("/v1/chat/completions", json=chat("big-model", "Что такое вклад?"))
    assert clean.headers["X-Perimeter-Upstream"] == "cloud" and len(w.cloud.calls) == 1


async def test_pseudonymized_out_and_put_back_in() -> None:
    w = await world(policy=RoutePolicy(allow_external=True, redact_for_external=True))
    text = "Напиши письмо: телефон +7 916 123-45-67 и снова +7 916 123-45-67, e-mail ivan@mail.ru"
    response = await w.client.post("/v1/chat/completions", json=chat("big-model", text))
    sent = w.cloud.calls[0].messages[-1][1]
    assert "916" not in sent and "ivan@mail.ru" not in sent
    assert sent.count("[PHONE_1]") == 2 and "[EMAIL_1]" in sent
    assert response.json()["choices"][0]["message"]["content"].strip() == text  # echoed back
    assert response.headers["X-Perimeter-Route"] == "named_model,pii_pseudonymized"


async def test_a_pseudonym_split_across_stream_pieces_is_put_back() -> None:
    w = await world(policy=RoutePolicy(allow_external=True, redact_for_external=True))
    w.cloud.reply = "Позвоните на [PHO NE_1] сегодня"  # pieces: "[PHO " "NE_1] "
    body = chat("big-model", "телефон +7 916 123-45-67", stream=True)
    async with w.client.stream("POST", "/v1/chat/completions", json=body) as response:
        data = [
            json.loads(line[6:])
            async for line in response.aiter_lines()
            if line.startswith("data: {")
        ]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in data)
    assert "[PHO NE_1]" in text  # not a placeholder: left as written
    w.cloud.reply = "Позвоните на [PHONE_1] сегодня"
    async with w.client.stream("POST", "/v1/chat/completions", json=body) as response:
        data = [
            json.loads(line[6:])
            async for line in response.aiter_lines()
            if line.startswith("data: {")
        ]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in data)
    assert "+7 916 123-45-67" in text and "[PHONE_1]" not in text


async def test_overload_falls_back_or_refuses_with_retry_after() -> None:
    w = await world()
    w.local.state = Health.OVERLOADED
    clean = await w.client.post("/v1/chat/completions", json=chat("perimeter", "Что такое вклад?"))
    assert clean.headers["X-Perimeter-Route"] == "local,fallback_overloaded"
    personal = await w.client.post(
        "/v1/chat/completions", json=chat("perimeter", "мой телефон +7 916 123-45-67")
    )
    assert_openai_error(personal, 429, "model_overloaded")
    assert int(personal.headers["Retry-After"]) >= 1
    assert len(w.cloud.calls) == 1


async def test_an_upstream_that_fails_before_answering_is_passed_over() -> None:
    w = await world()
    w.local.fail_with = Health.DOWN  # it looked fine, then refused the connection
    clean = await w.client.post("/v1/chat/completions", json=chat("perimeter", "Что такое вклад?"))
    assert clean.headers["X-Perimeter-Route"] == "local,fallback_down"
    personal = await w.client.post(
        "/v1/chat/completions", json=chat("perimeter", "мой телефон +7 916 123-45-67")
    )
    assert_openai_error(personal, 503, "upstream_unavailable")
    assert "Retry-After" in personal.headers


async def test_the_knowledge_base_as_a_model_with_sources() -> None:
    w = await world()
    response = await w.client.post(
        "/v1/chat/completions", json=chat("perimeter-kb", "Сколько стоит обслуживание карты?")
    )
    body = response.json()
    content = body["choices"][0]["message"]["content"]
    assert "99 ₽" in content and "Источники:" in content
    assert body["sources"][0]["title"] == "Обслуживание дебетовых карт"
    assert response.headers["X-Perimeter-Route"] == "knowledge_base"


async def test_embeddings_of_the_local_model() -> None:
    w = await world()
    response = await w.client.post(
        "/v1/embeddings", json={"model": "perimeter-embed", "input": ["абв", "hello"]}
    )
    body = response.json()
    assert [d["embedding"][0] for d in body["data"]] == [3.0, 5.0]
    assert body["usage"]["prompt_tokens"] > 0
    encoded = await w.client.post(
        "/v1/embeddings",
        json={"model": "perimeter-embed", "input": "x", "encoding_format": "base64"},
    )
    assert isinstance(encoded.json()["data"][0]["embedding"], str)
    assert_openai_error(
        await w.client.post("/v1/embeddings", json={"model": "perimeter-embed", "input": []}), 400
    )


def _epoch() -> Any:
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _anyio_backend() -> None:
    pass
