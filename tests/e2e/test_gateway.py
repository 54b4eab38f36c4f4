"""The gateway as the bank's other systems use it: the real ``openai`` client and LangChain's
``ChatOpenAI`` on loopback, against ``perimeter serve`` with the gateway on its own port.

Two upstreams are real servers: llama.cpp's server as the bank's local model (``private``),
and a second one playing a cloud model (``external``) behind a recording proxy, a process of
its own that writes down every byte sent to it. Over the blind gateway set
(``evals/gateway``: requests with Russian names, phones, cards, passports, SNILS, INN,
addresses, accounts, and requests with none), no value ever reaches the proxy, and requests
free of personal data do go out when asked for the external model. Then with
``redact_for_external``: the personal requests go out too, pseudonymized.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from integrations.processes import child_process, free_port
from tests.support.leaks import contains
from tests.support.recording_proxy import recorded
from tests.support.servers import (
    RunningServer,
    llama_cpp_server,
    perimeter_server,
    server_env,
)

pytestmark = pytest.mark.llm

ROOT = Path(__file__).resolve().parents[2]
# Both written by helpers who never saw the screen. evals/gateway was used while the screen's
# pseudonymization was developed (its second version); evals/gateway-2 came after, unseen.
DEVELOPMENT_SET = ROOT / "evals" / "gateway" / "requests.yaml"
BLIND_SET = ROOT / "evals" / "gateway-2" / "requests.yaml"
STRUCTURED = {"card", "phone", "passport", "snils", "inn", "account", "email"}
CLOUD_MODEL = "cloud-big"


@dataclass
class Upstreams:
    local: str  # llama.cpp's server: the bank's own model (private)
    proxy: str  # the recording proxy in front of the other one (external)
    record: Path


@pytest.fixture(scope="module")
def upstreams(tiny_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstreams]:
    logs = tmp_path_factory.mktemp("upstreams")
    # The smallest real model: ~800 requests of up to 1 500 characters each go through them.
    with (
        llama_cpp_server(tiny_gguf, "tiny-local", logs, context=4096) as local,
        llama_cpp_server(tiny_gguf, CLOUD_MODEL, logs, context=4096) as cloud,
    ):
        port = free_port()
        record = logs / "egress.jsonl"
        argv = [
            sys.executable, "-m", "tests.support.recording_proxy",
            "--upstream", cloud.removesuffix("/v1"), "--port", str(port), "--record", str(record),
        ]  # fmt: skip
        proxy = f"http://127.0.0.1:{port}/v1"
        with child_process(
            argv, log=logs / "proxy.log", health_url=f"{proxy}/models", startup_s=30
        ):
            yield Upstreams(local, proxy, record)


@dataclass
class Gateway:
    server: RunningServer
    url: str  # up to /v1
    settings: dict[str, str]

    @property
    def metrics(self) -> str:
        """/metrics, on the staff port (the process serves three: customers, staff, gateway)."""
        return httpx.get(f"http://127.0.0.1:{self.settings['http__staff_port']}/metrics").text

    def add_key(self, name: str, *options: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "gateway", "keys", "add", name, *options],
            env=server_env(self.server.data_dir, **self.settings),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "gateway", *args],
            env=server_env(self.server.data_dir, **self.settings),
            capture_output=True,
            text=True,
            timeout=120,
        )


def gateway_settings(upstreams: Upstreams, port: int, **more: str) -> dict[str, str]:
    cloud = {
        "name": "cloud",
        "base_url": upstreams.proxy,
        "zone": "external",
        "models": [CLOUD_MODEL],
        "context_tokens": 4096,
    }
    return {
        "llm__backend": "openai",
        "llm__openai_base_url": upstreams.local,
        "llm__model": "tiny-local",
        "llm__context_tokens": "4096",
        "llm__max_tokens": "256",
        "llm__max_running": "1",
        "gateway__port": str(port),
        "http__staff_port": str(free_port()),
        "gateway__upstreams": json.dumps([cloud]),
        "gateway__allow_external": "true",
        "gateway__fallback": "cloud",
        "gateway__local_max_waiting": "0",
        "gateway__requests_per_minute": "100000",
        **more,
    }


@pytest.fixture(scope="module")
def gateway(upstreams: Upstreams, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    port = free_port()
    settings = gateway_settings(upstreams, port)
    with perimeter_server(tmp_path_factory.mktemp("gateway"), **settings) as server:
        yield Gateway(server, f"http://127.0.0.1:{port}/v1", settings)


@pytest.fixture(scope="module")
def key(gateway: Gateway) -> str:
    return gateway.add_key("crm")


@contextmanager
def client(gateway: Gateway, key: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.url, api_key=key, max_retries=0, timeout=120) as api:
        yield api


@pytest.fixture
def api(gateway: Gateway, key: str) -> Iterator[openai.OpenAI]:
    with client(gateway, key) as opened:
        yield opened


# --- the clients ---------------------------------------------------------------------------


def test_the_openai_client_lists_models_chats_streams_and_embeds(api: openai.OpenAI) -> None:
    ids = [m.id for m in api.models.list().data]
    assert {"perimeter", "perimeter-kb", "perimeter-embed", CLOUD_MODEL} <= set(ids)

    raw = api.chat.completions.with_raw_response.create(
        model="perimeter",
        messages=[{"role": "user", "content": "Say hello in one word."}],
        max_tokens=8,
    )
    answer = raw.parse()
    assert answer.choices[0].message.content
    assert answer.usage is not None and answer.usage.completion_tokens > 0
    assert raw.headers["x-perimeter-upstream"] == "local"

    pieces = [
        chunk.choices[0].delta.content or ""
        for chunk in api.chat.completions.create(
            model="perimeter",
            messages=[{"role": "user", "content": "Count from one to five."}],
            max_tokens=12,
            stream=True,
        )
        if chunk.choices
    ]
    assert len([p for p in pieces if p]) >= 2 and "".join(pieces).strip()

    vectors = api.embeddings.create(model="perimeter-embed", input=["вклад", "deposit"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) >= 64


def test_langchain_chat_openai_through_the_gateway(gateway: Gateway, key: str) -> None:
    model = ChatOpenAI(
        base_url=gateway.url, api_key=SecretStr(key), model="perimeter", max_tokens=8,
        max_retries=0, timeout=120,
    )  # fmt: skip
    assert model.invoke("Reply with the word yes.").content
    streamed = [chunk.content for chunk in model.stream("Reply with the word no.")]
    assert "".join(str(c) for c in streamed).strip()


def test_the_knowledge_base_answers_as_a_model_with_its_sources(api: openai.OpenAI) -> None:
    answer = api.chat.completions.create(
        model="perimeter-kb",
        messages=[{"role": "user", "content": "Сколько стоит обслуживание карты «Классика»?"}],
    )
    assert answer.model_extra is not None
    sources = answer.model_extra["sources"]
    assert sources and all(s["title"] for s in sources)
    assert "Источники:" in (answer.choices[0].message.content or "")


# --- refusals ------------------------------------------------------------------------------


def test_malformed_and_oversized_requests_get_openai_errors(gateway: Gateway, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    with httpx.Client(base_url=gateway.url, headers=headers, timeout=30) as http:
        broken = http.post("/chat/completions", content=b'{"model": "perimeter", "messages": [')
        assert broken.status_code == 400
        assert broken.json()["error"]["type"] == "invalid_request_error"
        missing = http.post("/chat/completions", json={"model": "perimeter"})
        assert (missing.status_code, missing.json()["error"]["param"]) == (400, "messages")
        huge = http.post(
            "/chat/completions",
            json={"model": "perimeter", "messages": [{"role": "user", "content": "я" * 600_000}]},
        )
        assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    with client(gateway, key) as api, pytest.raises(openai.BadRequestError) as too_long:
        api.chat.completions.create(
            model="perimeter", messages=[{"role": "user", "content": "слово " * 20_000}]
        )
    assert too_long.value.code == "request_too_large"


def test_quota_answers_429_with_retry_after_and_revoked_keys_401(gateway: Gateway) -> None:
    limited = gateway.add_key("limited", "--requests-per-minute", "2")
    with client(gateway, limited) as api:
        refuses_over_quota_then_revoked(gateway, api, limited)


def refuses_over_quota_then_revoked(gateway: Gateway, api: openai.OpenAI, limited: str) -> None:
    ask = {"model": "perimeter", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}
    api.chat.completions.create(**ask)  # type: ignore[call-overload]
    api.chat.completions.create(**ask)  # type: ignore[call-overload]
    with pytest.raises(openai.RateLimitError) as refused:
        api.chat.completions.create(**ask)  # type: ignore[call-overload]
    assert int(refused.value.response.headers["retry-after"]) >= 1
    assert refused.value.code == "rate_limit_exceeded"

    assert gateway.cli("keys", "revoke", "limited").returncode == 0
    with pytest.raises(openai.AuthenticationError):
        api.models.list()
    listed = gateway.cli("keys", "list").stdout
    assert "limited" in listed and "revoked" in listed and limited not in listed


def test_overload_falls_back_to_the_external_model_only_without_personal_data(
    gateway: Gateway, api: openai.OpenAI, upstreams: Upstreams
) -> None:
    busy = threading.Thread(
        target=lambda: api.chat.completions.create(
            model="perimeter",
            messages=[{"role": "user", "content": "Write a long story about a bank."}],
            max_tokens=256,
        )
    )
    busy.start()
    try:
        deadline = time.monotonic() + 30
        while 'perimeter_model_queue_length{state="running"} 1.0' not in gateway.metrics:
            assert time.monotonic() < deadline, "the long answer never started"
            time.sleep(0.05)
        with pytest.raises(openai.RateLimitError) as refused:
            api.chat.completions.create(
                model="perimeter",
                messages=[{"role": "user", "content": "Мой телефон +7 916 555-12-34, перезвоните"}],
                max_tokens=2,
            )
        assert refused.value.code == "model_overloaded"
        assert int(refused.value.response.headers["retry-after"]) >= 1
        clean = api.chat.completions.with_raw_response.create(
            model="perimeter", messages=[{"role": "user", "content": "What is a deposit?"}],
            max_tokens=2,
        )  # fmt: skip
        assert clean.headers["x-perimeter-route"] == "local,fallback_overloaded"
        assert clean.headers["x-perimeter-upstream"] == "cloud"
    finally:
        busy.join(timeout=300)
    assert "555-12-34" not in upstreams.record.read_text(encoding="utf-8")


def test_every_call_has_an_audit_row_without_text(gateway: Gateway, api: openai.OpenAI) -> None:
    api.chat.completions.create(
        model="perimeter",
        messages=[{"role": "user", "content": "Паспорт 4512 345678, что с заявкой?"}],
        max_tokens=2,
    )
    audit = gateway.cli("calls", "--hours", "1", "--limit", "10000")
    assert audit.returncode == 0
    assert "passport:1" in audit.stdout and "4512" not in audit.stdout
    assert re.search(r"crm\s+perimeter\s+local/tiny-local\s+local,pii_private\s+200", audit.stdout)
    log = gateway.server.log_text()
    assert "345678" not in log and "4512" not in log
    metrics = gateway.metrics
    assert re.search(
        r'perimeter_gateway_calls_total\{endpoint="chat",reason="local,pii_private",'
        r'status="200",upstream="local"\} [1-9]',
        metrics,
    )
    assert re.search(r'perimeter_gateway_pii_total\{kind="passport"\} [1-9]', metrics)
    assert "345678" not in metrics


# --- personal data never leaves ------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    messages: list[dict[str, str]]
    values: list[tuple[str, str]]  # (type, value as written)


def labelled(path: Path) -> list[Case]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(c["id"], c["messages"], [(p["type"], p["value"]) for p in c.get("pii") or []])
        for c in cases
    ]


def contents(bodies: list[dict[str, Any]]) -> str:
    texts = []
    for body in bodies:
        try:
            texts.extend(m["content"] for m in json.loads(body["body"])["messages"])
        except (ValueError, KeyError, TypeError):
            texts.append(body["body"])
    return "\n".join(texts)


@dataclass
class Egress:
    """What each request of a run sent to the external upstream (through the proxy)."""

    routes: Counter[tuple[bool, str]]
    by_case: dict[str, str]  # case id -> the message texts that went out for it
    everything: str

    def leaks(self, cases: list[Case]) -> list[str]:
        """Values that went out: any of a value's words in what its own request sent, or the
        whole value (or its digits) in anything sent at all."""
        found = []
        everything = " ".join(self.everything.lower().split())
        for case in cases:
            own = self.by_case.get(case.id, "")
            for kind, value in case.values:
                whole = re.escape(" ".join(value.lower().split()))
                anywhere = re.search(
                    rf"(?<!\w){whole}(?!\w)", everything
                )  # «Максим», not «максимум»
                if contains(kind, value, own) or anywhere:
                    found.append(f"{case.id}:{kind}")
        return found


def run_set(api: openai.OpenAI, cases: list[Case], record: Path) -> Egress:
    routes: Counter[tuple[bool, str]] = Counter()
    by_case: dict[str, str] = {}
    seen = len(recorded(record))
    for case in cases:
        raw = api.chat.completions.with_raw_response.create(
            model=CLOUD_MODEL,
            messages=case.messages,
            max_tokens=1,  # type: ignore[arg-type]
        )
        routes[(bool(case.values), raw.headers["x-perimeter-route"])] += 1
        bodies = recorded(record)
        by_case[case.id] = contents(bodies[seen:])
        seen = len(bodies)
    return Egress(routes, by_case, "\n".join(by_case.values()))


def report(title: str, egress: Egress, leaks: list[str]) -> None:
    print(f"\n{title}: leaks to the external upstream: {len(leaks)} {leaks}")
    for (personal, reason), count in sorted(egress.routes.items()):
        print(f"  {'personal' if personal else 'clean':<9} {reason:<40} {count}")


def test_no_personal_data_reaches_the_external_upstream(
    gateway: Gateway, key: str, upstreams: Upstreams
) -> None:
    cases = labelled(BLIND_SET)
    personal = [c for c in cases if c.values]
    clean = [c for c in cases if not c.values]
    assert len(personal) >= 200 and len(clean) >= 200
    with client(gateway, key) as api:
        egress = run_set(api, cases, upstreams.record)
    leaks = egress.leaks(personal)
    report("routing (redact_for_external off)", egress, leaks)
    assert leaks == []
    routes = egress.routes
    assert sum(n for (p, r), n in routes.items() if p and "pii_private" in r) == len(personal)
    out = sum(n for (p, r), n in routes.items() if not p and r == "named_model")
    assert out >= len(clean) * 0.4, f"only {out} of {len(clean)} clean requests went out"


@pytest.fixture(scope="module")
def pseudonymizing(
    upstreams: Upstreams, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    port = free_port()
    settings = gateway_settings(upstreams, port, gateway__redact_for_external="true")
    with perimeter_server(tmp_path_factory.mktemp("pseudonyms"), **settings) as server:
        yield Gateway(server, f"http://127.0.0.1:{port}/v1", settings)


def test_pseudonymized_requests_go_out_with_the_values_replaced(
    pseudonymizing: Gateway, upstreams: Upstreams
) -> None:
    """Pseudonymization replaces what the screen finds, so what it misses goes out: no value
    of the kinds it finds by their shape and check digits, and at most 1 % of the rest (names,
    addresses, birthdates) on the set it was developed on. docs/gateway.md gives the blind
    set's figure; routing, the default, sends no request with personal data out at all."""
    personal = [c for c in labelled(DEVELOPMENT_SET) if c.values]
    with client(pseudonymizing, pseudonymizing.add_key("crm")) as api:
        egress = run_set(api, personal, upstreams.record)
    leaks = egress.leaks(personal)
    report("pseudonymizing (redact_for_external on)", egress, leaks)
    assert egress.routes[(True, "named_model,pii_pseudonymized")] == len(personal)
    assert [leak for leak in leaks if leak.split(":")[1] in STRUCTURED] == []
    assert len(leaks) <= 0.01 * sum(len(c.values) for c in personal)
    assert re.search(r"\[(NAME|PHONE|CARD)_1\]", egress.everything)
