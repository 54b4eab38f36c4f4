"""Load on one `perimeter serve`: replies/s and latency of answers that need no model, queueing
with the real model, the server's memory, and where a reply's time goes (docs/benchmarks.md).

    python benchmarks/load.py [--customers 50] [--duration 60] [--model-customers 6]
                              [--model-timeout 90] [--skip-model] [--gguf PATH | --model NAME]
                              [--json PATH] [--profile PATH]

A real `perimeter serve` on loopback (a temp data dir, SQLite, Qdrant local mode, the sample
KB ingested at start, the embedded model the product defaults to, loaded before /readyz) and
the sandbox ABS for account answers. Only the rate limits are raised, by settings, so that one
loopback address can be 50 customers; everything else is the product's default.

1. Preflight: every phrase of the mix once, one by one, each in a new conversation: its route
   and time. A phrase that does not come back as its category expects is left out of the load
   and listed (a stray model answer would queue the model during phase 1).
2. Answer-cache warm-up, during the preflight (only when the build has `answer_cache`
   settings): knowledge questions answered once by the model, then their paraphrases; those
   served from the cache join the mix as cache hits.
3. Phase 1, no model: N virtual customers over the HTTP API for a bounded time, each in a
   conversation of its own (logged in with the bank's web token; a new one every
   --turns-per-conversation messages), sending smalltalk, curated FAQ questions, cache hits
   and balance questions. Per category: replies/s, p50/p95/p99, errors and route mismatches.
4. Phase 2, the model: M customers over the WebSocket ask distinct knowledge questions at
   once: time to the first frame, frames before the first token (queue notices), first
   token, end, and who was refused or handed over because the model's queue was full.
Memory (RSS from /proc) before and after each phase and every 10 s in phase 1; the stage
histograms (/metrics) before and after each phase, as a table of whatever stages the code
observes. Both processes are stopped however the run ends (Ctrl-C included).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import websockets  # noqa: E402
import yaml  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from bot.settings import RetrievalSettings, Settings  # noqa: E402
from bot.web_token import sign_token  # noqa: E402
from integrations.core_banking.sandbox.process import sandbox_command  # noqa: E402
from integrations.llm.catalog import MODELS  # noqa: E402
from integrations.llm.fetch import model_path  # noqa: E402
from integrations.processes import child_process, free_port  # noqa: E402
from tests.support.servers import SANDBOX_TOKEN, migrate, server_env  # noqa: E402

KB = ROOT / "examples" / "kb"
BANK = ROOT / "examples" / "bank.json"
FAQ_FILE = KB / "faq-popular.faq.yaml"
TARGET_RATE, TARGET_P95_MS = 200.0, 250.0  # the target for answers without a model

SMALLTALK = ["Привет", "Спасибо!", "hello", "Здравствуйте!", "Спасибо за помощь", "thanks!"]
ACCOUNT = [
    "какой у меня баланс?",
    "Какой у меня баланс?",
    "what is my balance?",
    "покажи баланс",
]
CUSTOMERS = ["c-2001", "c-2002"]  # sandbox customers with accounts (examples/bank.json)
# Knowledge questions for the answer cache: the first is answered by the model in the warm-up,
# the others are its paraphrases, asked in phase 1.
# Closest paraphrase first: a paraphrase the cache misses costs a whole model answer, and the
# rest of that seed's are then skipped.
CACHE_SEEDS = [
    (
        "How long does a SWIFT transfer take?",
        ["How long does a SWIFT transfer take", "How long does a SWIFT transfer usually take?"],
    ),
    (
        "Продлевается ли вклад «Надёжный» автоматически?",
        [
            "Продлевается ли вклад «Надёжный» автоматически",
            "Подскажите, продлевается ли вклад «Надёжный» автоматически?",
        ],
    ),
]
# Knowledge questions for the model in phase 2: distinct, none of them a curated FAQ entry.
MODEL_QUESTIONS = [
    "Какой лимит на снятие наличных в банкоматах других банков?",
    "Какая ставка по накопительному счёту «Копилка»?",
    "Какой первоначальный взнос по ипотеке?",
    "Сколько рассматривается жалоба в банке?",
    "Можно ли досрочно закрыть вклад «Пополняемый»?",
    "What documents does a non-resident need to open an account?",
    "Как восстановить пароль в приложении «Периметр Онлайн»?",
    "Сколько стоит наличная валюта в отделении?",
    "What are the fees for an outgoing SWIFT transfer?",
    "Какая минимальная сумма платежа по кредитной карте «Периметр 120»?",
]
WEIGHTS = {"smalltalk": 0.30, "faq": 0.35, "cache": 0.15, "account": 0.20}
EXPECTED_ROUTE = {"smalltalk": "smalltalk", "faq": "answer", "cache": "answer", "account": "action"}
OWNERLESS = ("handoff", "operator")  # the conversation went to people: a new one is opened


def say(line: str) -> None:
    print(line, flush=True)


# --- figures ---------------------------------------------------------------------------------


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99)}


def slope_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB) samples, in MiB per minute."""
    if len(samples) < 2:
        return float("nan")
    mean_t = statistics.fmean(t for t, _ in samples)
    mean_v = statistics.fmean(v for _, v in samples)
    num = sum((t - mean_t) * (v - mean_v) for t, v in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples)
    return num / den * 60 if den else float("nan")


# --- the processes ---------------------------------------------------------------------------


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS and its parts (anonymous: the heap; file: mapped files such as the GGUF)."""
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            figures[name] = int(value.split()[0]) / 1024
    return figures


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU of a process (all its threads), or of one of its threads."""
    stat = Path(f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat")
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# `python -m cProfile` writes nothing when uvicorn re-raises SIGTERM after its shutdown: this
# wrapper's handler, which uvicorn restores before re-raising, writes the profile and exits.
PROFILED = """
import cProfile, runpy, signal, sys
out, sys.argv = sys.argv[1], ["perimeter", *sys.argv[2:]]
profiler = cProfile.Profile()
def dump(*_):
    profiler.disable()
    profiler.dump_stats(out)
    raise SystemExit(0)
signal.signal(signal.SIGTERM, dump)
profiler.enable()
try:
    runpy.run_module("bot.cli", run_name="__main__", alter_sys=True)
finally:
    profiler.disable()
    profiler.dump_stats(out)
"""


@dataclass
class Running:
    base_url: str
    pid: int
    sandbox_pid: int
    log: Path
    startup_s: float
    ready_s: float

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/ws/chat"


def server_settings(args: argparse.Namespace, gguf: Path, sandbox: str, secret: str) -> dict:
    return {
        "llm__backend": "llamacpp",
        "llm__gguf_path": str(gguf),
        "core_banking__base_url": sandbox,
        "core_banking__token": SANDBOX_TOKEN,
        "auth__web_token_secret": secret,
        # tests.support.servers turns the curated FAQ off; here it is the product's default.
        "retrieval__faq_min_score": str(RetrievalSettings().faq_min_score),
        # The only departures from production: every customer is 127.0.0.1 and sends a
        # message as soon as the last reply came back.
        "chat__rate_messages": "10000",  # per conversation per window (default 20 / 60 s)
        "chat__rate_window_s": "1",
        "chat__rate_conversations": "100000",  # per address per window (default 30 / 60 s)
        "chat__rate_conversations_window_s": "1",
        "auth__session_ttl_s": "86400",  # a --duration 600 run outlives the default 15 min
        "log_level": args.log_level,
        **({"database__url": args.database_url} if args.database_url else {}),
    }


@contextlib.contextmanager
def started(args: argparse.Namespace, root: Path, gguf: Path, secret: str) -> Iterator[Running]:
    """The sandbox ABS, then `perimeter serve` (under cProfile with --profile), ready."""
    begun = time.perf_counter()
    sandbox_port = free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    sandbox_env = {k: v for k, v in os.environ.items() if not k.startswith("PERIMETER_")}
    sandbox_env["PERIMETER_CORE_BANKING__TOKEN"] = SANDBOX_TOKEN
    with child_process(
        sandbox_command(BANK, sandbox_port),
        log=root / "sandbox.log",
        env=sandbox_env,
        health_url=f"{sandbox_url}/healthz",
    ) as sandbox:
        data = root / "data"
        settings = server_settings(args, gguf, sandbox_url, secret)
        migrate(data, **settings)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        if args.profile:  # the event loop's thread only: cProfile sees no other
            argv = [sys.executable, "-c", PROFILED, str(args.profile.resolve()), "serve"]
        else:
            argv = [sys.executable, "-m", "bot.cli", "serve"]
        argv += ["--host", "127.0.0.1", "--port", str(port)]
        log = root / "server.log"
        with child_process(
            argv,
            log=log,
            env=server_env(data, **settings),
            health_url=f"{base_url}/healthz",
            startup_s=300,
            # SIGTERM, then SIGKILL: a generation still running would hold a graceful stop;
            # under cProfile the profile is written on the way out, which takes longer.
            stop_s=60 if args.profile else 15,
        ) as server:
            up = time.perf_counter() - begun
            deadline = time.monotonic() + 300
            while httpx.get(f"{base_url}/readyz", timeout=10).status_code != 200:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"not ready:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
            ready = time.perf_counter() - begun
            yield Running(base_url, server.pid, sandbox.pid, log, up, ready)


# --- /metrics --------------------------------------------------------------------------------


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(base_url: str) -> Samples:
    text = httpx.get(f"{base_url}/metrics", timeout=30).text
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def delta(before: Samples, after: Samples, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        labels: value - before.get((n, labels), 0.0)
        for (n, labels), value in after.items()
        if n == name
    }


def bucket_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """histogram_quantile over cumulative (upper bound, count) pairs: linear within a bucket."""
    total = buckets[-1][1]
    if total <= 0:
        return float("nan")
    rank, lower, below = q * total, 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower  # beyond the last finite bucket: its bound, as Prometheus says
            inside = count - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = bound, count
    return lower


def stage_table(before: Samples, after: Samples) -> dict[str, dict[str, float]]:
    """Count, mean, p50 and p95 of every perimeter_stage_seconds label between two scrapes."""
    counts = delta(before, after, "perimeter_stage_seconds_count")
    sums = delta(before, after, "perimeter_stage_seconds_sum")
    buckets: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for labels, value in delta(before, after, "perimeter_stage_seconds_bucket").items():
        named = dict(labels)
        buckets[named["stage"]].append((float(named["le"]), value))
    table = {}
    for labels, count in counts.items():
        stage = dict(labels)["stage"]
        if count <= 0:
            continue
        cumulative = sorted(buckets[stage])
        table[stage] = {
            "count": count,
            "first_bucket_ms": cumulative[0][0] * 1000,
            "mean_ms": sums[labels] / count * 1000,
            "p50_ms": bucket_quantile(cumulative, 0.50) * 1000,
            "p95_ms": bucket_quantile(cumulative, 0.95) * 1000,
        }
    return table


def print_stages(title: str, table: dict[str, dict[str, float]]) -> None:
    say(f"\n{title} (perimeter_stage_seconds, deltas; p50/p95 interpolated within buckets)")
    say(f"  {'stage':<14}{'count':>9}{'mean ms':>10}{'p50 ms':>10}{'p95 ms':>10}")
    order = ["http", "store", "route", "embed", "retrieve", "first_token", "answer", "send"]
    ranked = sorted(table, key=lambda s: (s == "total", order.index(s) if s in order else 99, s))
    for stage in ranked:
        row = table[stage]

        def q(ms: float, floor: float = row["first_bucket_ms"]) -> str:
            return f"<{floor:g}" if ms <= floor else f"{ms:.1f}"  # inside the first bucket

        say(
            f"  {stage:<14}{row['count']:>9.0f}{row['mean_ms']:>10.1f}"
            f"{q(row['p50_ms']):>10}{q(row['p95_ms']):>10}"
        )


def moved_counters(before: Samples, after: Samples) -> dict[str, float]:
    """Every perimeter_*_total sample that changed between the scrapes: what the code counts."""
    moved = {}
    for (name, labels), value in after.items():
        if not (name.startswith("perimeter_") and name.endswith("_total")):
            continue
        change = value - before.get((name, labels), 0.0)
        if change:
            key = name.removeprefix("perimeter_").removesuffix("_total")
            if labels:
                key += "{" + ",".join(f"{k}={v}" for k, v in labels) + "}"
            moved[key] = change
    return moved


def model_generations(before: Samples, after: Samples) -> float:
    """Turns the model gave between the scrapes: its admission queue's waits when the build
    counts them (one per turn granted), else first tokens later than 2.5 s (a curated or
    cached answer streams at once; perimeter_model_tokens_total counts those too)."""
    turns = delta(before, after, "perimeter_model_queue_wait_seconds_count")
    if turns:
        return sum(turns.values())
    first = {
        dict(labels).get("le"): value
        for labels, value in delta(before, after, "perimeter_stage_seconds_bucket").items()
        if dict(labels).get("stage") == "first_token"
    }
    return first.get("+Inf", 0.0) - first.get("2.5", 0.0)


# --- the HTTP API ----------------------------------------------------------------------------


@dataclass
class Conversation:
    id: str
    headers: dict[str, str]


async def open_conversation(
    client: httpx.AsyncClient, secret: str, customer: str | None
) -> Conversation:
    """POST /api/conversations, then (for ``customer``) the bank's web token."""
    response = await client.post("/api/conversations")
    response.raise_for_status()
    created = response.json()
    conversation = Conversation(
        created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}
    )
    if customer is not None:
        login = await client.post(
            f"/api/conversations/{conversation.id}/auth/token",
            json={"token": sign_token(secret, customer)},
            headers=conversation.headers,
        )
        login.raise_for_status()
    return conversation


async def send(
    client: httpx.AsyncClient, conversation: Conversation, text: str
) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await client.post(
        f"/api/conversations/{conversation.id}/messages",
        json={"text": text},
        headers=conversation.headers,
    )
    return time.perf_counter() - started, response


def faq_answers() -> dict[str, str]:
    """Each curated question (and its variants) → the entry's answer, whitespace folded."""
    entries = yaml.safe_load(FAQ_FILE.read_text(encoding="utf-8"))["entries"]
    answers = {}
    for entry in entries:
        answer = " ".join(entry["answer"].split())
        for question in entry["questions"]:
            answers[question] = answer
            # Lower case without «?» is not a variant: such phrasings often miss the entry
            # and go to the model (preflight shows which), which would queue it in phase 1.
            bare = question.rstrip("?").strip()
            answers[f"Подскажите, {bare[0].lower()}{bare[1:]}?"] = answer
    return answers


@dataclass
class Mix:
    phrases: dict[str, list[str]]  # category → phrases
    faq: dict[str, str]  # FAQ phrase → its curated answer

    def draw(self, rng: random.Random) -> tuple[str, str]:
        categories = [c for c in WEIGHTS if self.phrases.get(c)]
        category = rng.choices(categories, [WEIGHTS[c] for c in categories])[0]
        return category, rng.choice(self.phrases[category])

    def mismatch(self, category: str, text: str, body: dict[str, Any]) -> str | None:
        """Why the reply is not what the category expects, or None."""
        route = body.get("route")
        if route != EXPECTED_ROUTE[category]:
            return f"route {route}"
        if category == "faq":
            if body.get("curated") is False:
                return "not curated"
            if self.faq[text] not in " ".join(str(body.get("text", "")).split()):
                return "not the curated text"
        if category == "cache" and body.get("cached") is False:
            return "not cached"
        return None


# --- preflight and cache warm-up -------------------------------------------------------------


async def preflight(base_url: str, secret: str, mix: Mix) -> list[dict[str, Any]]:
    """Each phrase once, one at a time, in a conversation of its own; phrases whose reply is
    not what their category expects are taken out of the mix."""
    rows = []
    async with httpx.AsyncClient(base_url=base_url, timeout=300) as client:
        for category, phrases in mix.phrases.items():
            kept = []
            for text in phrases:
                customer = CUSTOMERS[0] if category == "account" else None
                conversation = await open_conversation(client, secret, customer)
                seconds, response = await send(client, conversation, text)
                body = response.json() if response.status_code == 200 else {}
                wrong = (
                    f"HTTP {response.status_code}"
                    if response.status_code != 200
                    else mix.mismatch(category, text, body)
                )
                rows.append(
                    {
                        "category": category,
                        "text": text,
                        "route": body.get("route"),
                        "ms": seconds * 1000,
                        "kept": wrong is None,
                        "why": wrong,
                    }
                )
                if wrong is None:
                    kept.append(text)
            mix.phrases[category] = kept
    return rows


async def ask_once(client: httpx.AsyncClient, secret: str, text: str) -> dict[str, Any]:
    """``text`` in a new anonymous conversation: route, cached flag and seconds."""
    conversation = await open_conversation(client, secret, None)
    seconds, response = await send(client, conversation, text)
    body = response.json() if response.status_code == 200 else {}
    return {
        "text": text,
        "status": response.status_code,
        "route": body.get("route"),
        "cached": body.get("cached"),
        "s": seconds,
    }


async def warm_cache(base_url: str, secret: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Each seed answered by the model, then its paraphrases, one at a time (seeds asked at
    once would wait for each other past the first-token timeout): those served without the
    model (``cached: true``, or under a second when the reply has no such flag) are cache
    hits; the first miss ends that seed's paraphrases."""
    hits: list[str] = []
    rows: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        for seed, paraphrases in CACHE_SEEDS:
            row = await ask_once(client, secret, seed)
            rows.append({"role": "seed", **row})
            if row["route"] != "answer":
                continue  # the model did not answer it: nothing to cache
            for text in paraphrases:
                row = await ask_once(client, secret, text)
                flag = row["cached"]
                row["hit"] = row["route"] == "answer" and (
                    flag is True if flag is not None else row["s"] < 1.0
                )
                rows.append({"role": "paraphrase", **row})
                if not row["hit"]:
                    break
                hits.append(text)
    return hits, rows


# --- phase 1 ---------------------------------------------------------------------------------


@dataclass
class Tally:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    mismatches: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    mismatched_texts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    opened: list[float] = field(default_factory=list)  # seconds to open + log in
    open_errors: Counter[str] = field(default_factory=Counter)

    @property
    def replies(self) -> int:
        return sum(len(v) for v in self.seconds.values())


async def virtual_customer(
    n: int,
    client: httpx.AsyncClient,
    secret: str,
    mix: Mix,
    tally: Tally,
    deadline: float,
    turns: int,
) -> None:
    rng = random.Random(n)
    customer = CUSTOMERS[n % len(CUSTOMERS)]
    conversation: Conversation | None = None
    sent = 0
    while time.monotonic() < deadline:
        if conversation is None or (turns and sent >= turns):
            began = time.perf_counter()
            try:
                conversation = await open_conversation(client, secret, customer)
            except httpx.HTTPStatusError as exc:
                tally.open_errors[f"HTTP {exc.response.status_code}"] += 1
                await asyncio.sleep(1)
                continue
            except httpx.HTTPError as exc:
                tally.open_errors[type(exc).__name__] += 1
                await asyncio.sleep(1)
                continue
            tally.opened.append(time.perf_counter() - began)
            sent = 0
        category, text = mix.draw(rng)
        try:
            seconds, response = await send(client, conversation, text)
        except httpx.HTTPError as exc:
            tally.errors[category][type(exc).__name__] += 1
            continue
        sent += 1
        if response.status_code != 200:
            code = response.json().get("code", "") if response.content else ""
            tally.errors[category][f"HTTP {response.status_code} {code}".strip()] += 1
            if response.status_code == 429:  # a limit this benchmark should have raised
                await asyncio.sleep(min(5, float(response.headers.get("Retry-After", 1))))
            continue
        body = response.json()
        tally.seconds[category].append(seconds)
        wrong = mix.mismatch(category, text, body)
        if wrong is not None:
            tally.mismatches[category][wrong] += 1
            tally.mismatched_texts[(category, wrong, text)] += 1
        if body.get("handoff") or body.get("route") in OWNERLESS:
            tally.errors[category][f"handoff ({body.get('route')})"] += 1
            conversation = None  # people have it now: start again, as a customer would


async def phase_one(
    args: argparse.Namespace, server: Running, secret: str, mix: Mix
) -> dict[str, Any]:
    tally = Tally()
    rss: list[tuple[float, float, float]] = []  # (s, VmRSS, RssAnon)
    progress_rows: list[dict[str, float]] = []
    limits = httpx.Limits(max_connections=args.customers + 8, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as client:
        begun = time.monotonic()
        deadline = begun + args.duration
        cpu = (
            cpu_seconds(server.pid),
            cpu_seconds(server.pid, server.pid),  # the main thread: the event loop's
            cpu_seconds(server.sandbox_pid),
            time.process_time(),
        )

        async def progress() -> None:
            last, last_t = 0, begun
            while True:
                now = time.monotonic()
                memory = memory_mib(server.pid)
                rss.append((now - begun, memory["VmRSS"], memory["RssAnon"]))
                if now > begun + 1:
                    replies = tally.replies
                    errors = sum(sum(c.values()) for c in tally.errors.values())
                    say(
                        f"  [{now - begun:5.0f} s] replies {replies:7d}  "
                        f"{(replies - last) / (now - last_t):6.1f}/s now  "
                        f"{replies / (now - begun):6.1f}/s overall  errors {errors}  "
                        f"RSS {memory['VmRSS']:.0f} MiB (anon {memory['RssAnon']:.0f})"
                    )
                    progress_rows.append(
                        {
                            "s": now - begun,
                            "replies": replies,
                            "rate": (replies - last) / (now - last_t),
                        }
                    )
                    last, last_t = replies, now
                await asyncio.sleep(10)

        reporter = asyncio.create_task(progress())
        try:
            await asyncio.gather(
                *(
                    virtual_customer(
                        n, client, secret, mix, tally, deadline, args.turns_per_conversation
                    )
                    for n in range(args.customers)
                )
            )
        finally:
            reporter.cancel()
        wall = time.monotonic() - begun
        used = (
            cpu_seconds(server.pid) - cpu[0],
            cpu_seconds(server.pid, server.pid) - cpu[1],
            cpu_seconds(server.sandbox_pid) - cpu[2],
            time.process_time() - cpu[3],
        )
    categories = {}
    for category in WEIGHTS:
        seconds = tally.seconds.get(category, [])
        if not seconds and not tally.errors.get(category):
            continue
        categories[category] = {
            "replies": len(seconds),
            "replies_per_s": len(seconds) / wall,
            **latency_summary(seconds),
            "errors": dict(tally.errors.get(category, {})),
            "mismatches": dict(tally.mismatches.get(category, {})),
        }
    everything = [s for v in tally.seconds.values() for s in v]
    return {
        "wall_s": wall,
        "categories": categories,
        "all": {
            "replies": len(everything),
            "replies_per_s": len(everything) / wall,
            **latency_summary(everything),
        },
        "conversations_opened": len(tally.opened),
        "open_ms": latency_summary(tally.opened),
        "open_errors": dict(tally.open_errors),
        "mismatched_phrases": [
            {"category": c, "why": w, "text": t, "count": n}
            for (c, w, t), n in tally.mismatched_texts.most_common()
        ],
        "progress": progress_rows,
        "rss_samples": [{"s": t, "vm_rss_mib": v, "rss_anon_mib": a} for t, v, a in rss],
        "cores_used": {
            "server": used[0] / wall,
            "server_event_loop_thread": used[1] / wall,
            "sandbox": used[2] / wall,
            "client": used[3] / wall,
        },
        "server_cpu_ms_per_reply": used[0] / max(1, len(everything)) * 1000,
    }


def print_phase_one(result: dict[str, Any], customers: int) -> None:
    say(f"\nPhase 1: {customers} customers over HTTP, {result['wall_s']:.0f} s, no model")
    say(
        f"  {'category':<10}{'replies':>9}{'/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        "  errors / mismatches"
    )
    rows = [*result["categories"].items(), ("all", result["all"])]
    for name, row in rows:
        problems = ", ".join(
            f"{k}: {v}" for k, v in {**row.get("errors", {}), **row.get("mismatches", {})}.items()
        )
        say(
            f"  {name:<10}{row['replies']:>9}{row['replies_per_s']:>8.1f}{row['p50_ms']:>9.0f}"
            f"{row['p95_ms']:>9.0f}{row['p99_ms']:>9.0f}  {problems or '-'}"
        )
    for row in result["mismatched_phrases"][:8]:
        say(f"    mismatch [{row['category']}] {row['why']}: {row['text']!r} × {row['count']}")
    opened = result["open_ms"]
    say(
        f"  conversations opened and logged in: {result['conversations_opened']}"
        f" (p50 {opened['p50_ms']:.0f} ms, p95 {opened['p95_ms']:.0f} ms)"
        + (f", failed: {result['open_errors']}" if result["open_errors"] else "")
    )
    cores = result["cores_used"]
    say(
        f"  cores used: server {cores['server']:.2f} (its event loop's thread"
        f" {cores['server_event_loop_thread']:.2f}), sandbox ABS {cores['sandbox']:.2f},"
        f" this client {cores['client']:.2f} (of {os.cpu_count()}, shared with whatever else"
        " runs)"
    )
    say(
        f"  server CPU per reply: {result['server_cpu_ms_per_reply']:.1f} ms (conversation"
        " opens and logins included)"
    )
    overall = result["all"]
    met = overall["replies_per_s"] >= TARGET_RATE and overall["p95_ms"] <= TARGET_P95_MS
    say(
        f"  target ≥ {TARGET_RATE:.0f} replies/s with p95 ≤ {TARGET_P95_MS:.0f} ms:"
        f" {overall['replies_per_s']:.1f}/s, p95 {overall['p95_ms']:.0f} ms"
        f" → {'met' if met else 'NOT met'}"
    )


# --- phase 2 ---------------------------------------------------------------------------------


async def model_customer(url: str, record: dict[str, Any], go: asyncio.Event) -> None:
    """Ask ``record["question"]`` when ``go`` is set; ``record`` is filled in as frames come,
    so a customer still waiting when the phase ends shows how far it got."""
    async with websockets.connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "hello"}))
        greeting = json.loads(await ws.recv())
        assert greeting["type"] == "conversation", greeting
        await go.wait()
        started = time.perf_counter()
        await ws.send(json.dumps({"type": "message", "text": record["question"]}))
        record.update(first_frame_s=None, first_token_s=None, tokens=0, before_token=[])
        while True:
            frame = json.loads(await ws.recv())
            now = time.perf_counter() - started
            record["last_frame_s"] = now
            if record["first_frame_s"] is None:
                record["first_frame_s"] = now
            if frame["type"] == "token":
                record["tokens"] += 1
                if record["first_token_s"] is None:
                    record["first_token_s"] = now
            elif record["first_token_s"] is None:
                shown = {k: v for k, v in frame.items() if k != "message"}
                if isinstance(shown.get("text"), str):
                    shown["text"] = shown["text"][:120]
                record["before_token"].append({"at_s": round(now, 3), **shown})
            if frame["type"] in ("reply", "error"):
                record.update(
                    end_s=now,
                    end_type=frame["type"],
                    route=frame.get("route"),
                    handoff=bool(frame.get("handoff")),
                    retracted=bool(frame.get("retracted")),
                    code=frame.get("code"),
                )
                return


async def phase_two(server: Running, customers: int, limit_s: float) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = [
        {
            "question": MODEL_QUESTIONS[i % len(MODEL_QUESTIONS)]
            + ("" if i < len(MODEL_QUESTIONS) else f" ({i})")
        }
        for i in range(customers)
    ]
    go = asyncio.Event()
    tasks = [asyncio.create_task(model_customer(server.ws_url, r, go)) for r in records]
    await asyncio.sleep(1)  # every socket open and greeted
    go.set()
    _, waiting = await asyncio.wait(tasks, timeout=limit_s)
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    for record, task in zip(records, tasks, strict=True):
        if task in waiting:
            record["unfinished_at_s"] = limit_s
        elif task.exception() is not None:
            record["failed"] = repr(task.exception())
    return records


def print_phase_two(results: list[dict[str, Any]], moved: dict[str, float]) -> None:
    say(f"\nPhase 2: {len(results)} customers ask the model at once (WebSocket)")
    say(
        f"  {'#':>2} {'1st frame':>9} {'1st token':>9} {'end':>8} {'tokens':>6}  {'outcome':<18}"
        "| frames before the first token"
    )

    def s(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} s"

    for n, r in enumerate(results, 1):
        if "failed" in r:
            say(f"  {n:>2} failed: {r['failed']}")
            continue
        if "unfinished_at_s" in r:
            outcome, end = "still waiting", f">{r['unfinished_at_s']:.0f} s"
        else:
            outcome = str(r.get("route") or r.get("code") or r.get("end_type"))
            outcome += " (retracted)" if r.get("retracted") else ""
            end = s(r.get("end_s"))
        frames = ", ".join(f"{f['type']}@{f['at_s']:.1f}s" for f in r.get("before_token", []))
        say(
            f"  {n:>2} {s(r.get('first_frame_s')):>9} {s(r.get('first_token_s')):>9}"
            f" {end:>8} {r.get('tokens', 0):>6}  {outcome:<18}| {frames or '-'}"
        )
    handed = sum(1 for r in results if r.get("handoff"))
    queue = [f for r in results for f in r.get("before_token", []) if f["type"] == "queue"]
    say(f"  handed to a person: {handed}; queue notices: {len(queue)}")
    if queue:
        say(f"  e.g. {queue[-1].get('text', queue[-1])!r}")
    say(f"  counters over the phase: {moved or 'none'}")


# --- the run ---------------------------------------------------------------------------------


def print_memory(memory: dict[str, dict[str, float]], samples: list[dict[str, float]]) -> None:
    say("\nServer memory (MiB; anon = heap, file = mapped files such as the GGUF)")
    for when, m in memory.items():
        say(
            f"  {when:<16} RSS {m['VmRSS']:7.0f}   anon {m['RssAnon']:7.0f}"
            f"   file {m['RssFile']:7.0f}"
        )
    if samples:
        rss = [(s["s"], s["vm_rss_mib"]) for s in samples]
        anon = [(s["s"], s["rss_anon_mib"]) for s in samples]
        values = [v for _, v in rss]
        say(
            f"  phase 1, every 10 s ({len(samples)} samples): RSS min {min(values):.0f} max"
            f" {max(values):.0f}; slope RSS {slope_per_min(rss):+.2f} MiB/min,"
            f" anon {slope_per_min(anon):+.2f} MiB/min"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50, help="phase 1 (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="phase 1 seconds (60)")
    parser.add_argument(
        "--turns-per-conversation",
        type=int,
        default=20,
        help="messages before a virtual customer opens a new conversation (0: never)",
    )
    parser.add_argument("--model-customers", type=int, default=6, help="phase 2 (default 6)")
    parser.add_argument(
        "--model-timeout",
        type=float,
        default=90,
        help="phase 2 ends after this many seconds; customers still waiting are listed (90)",
    )
    parser.add_argument("--skip-model", action="store_true", help="no phase 2, no cache warm-up")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--gguf", type=Path, help="the model file (default: --model's)")
    group.add_argument(
        "--model", choices=sorted(MODELS), help="an embedded model (default: the product's)"
    )
    parser.add_argument(
        "--log-level", default="INFO", help="the server's (default INFO, the product's)"
    )
    parser.add_argument("--json", type=Path, help="write every figure here too")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile into PATH")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database-url",
        help="PostgreSQL as in production (postgresql+asyncpg://…); default the embedded SQLite",
    )
    return parser.parse_args()


def stop_on_sigterm() -> None:
    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


async def prepare(
    args: argparse.Namespace, server: Running, secret: str, mix: Mix, report: dict[str, Any]
) -> None:
    """Preflight, and (with the model) the cache's seeds answered meanwhile."""
    warm = not args.skip_model and "answer_cache" in Settings.model_fields
    if warm:
        say("preflight of the mix, and the model answers the answer cache's seeds meanwhile …")
        rows, (hits, warmed) = await asyncio.gather(
            preflight(server.base_url, secret, mix), warm_cache(server.base_url, secret)
        )
    else:
        say("preflight of the mix …")
        rows, hits, warmed = await preflight(server.base_url, secret, mix), [], []
    report["preflight"] = rows
    dropped = [r for r in rows if not r["kept"]]
    say(f"  {len(rows)} phrases; left out of the mix: {len(dropped)}")
    for r in dropped:
        say(f"  - [{r['category']}] {r['text']!r}: {r['why']} ({r['ms']:.0f} ms)")
    if args.skip_model:
        say("answer cache: not warmed (--skip-model): no cache hits in the mix")
    elif not warm:
        say("answer cache: this build has no answer_cache settings: no cache hits in the mix")
    else:
        report["cache_warmup"] = warmed
        for r in warmed:
            say(
                f"  cache {r['role']:<10} {r['s']:6.1f} s  route {r['route']}"
                f"  cached {r['cached']}  {r['text']!r}"
            )
        mix.phrases["cache"] = hits
        say(f"  cache hits in the mix: {len(hits)}")


def run(args: argparse.Namespace, server: Running, secret: str, report: dict[str, Any]) -> None:
    say(
        f"server up in {server.startup_s:.0f} s, ready (model loaded) in {server.ready_s:.0f} s;"
        f" pid {server.pid}"
    )
    report["startup"] = {"up_s": server.startup_s, "ready_s": server.ready_s}
    memory = {"at ready": memory_mib(server.pid)}
    report["memory"] = memory
    mix = Mix(
        {"smalltalk": list(SMALLTALK), "faq": list(faq_answers()), "account": list(ACCOUNT)},
        faq_answers(),
    )
    began = time.perf_counter()
    asyncio.run(prepare(args, server, secret, mix, report))
    report["prepare_s"] = time.perf_counter() - began
    say(f"  ({report['prepare_s']:.0f} s)")
    report["mix"] = {c: len(p) for c, p in mix.phrases.items()}

    memory["before phase 1"] = memory_mib(server.pid)
    say(f"\nphase 1: {args.customers} customers, {args.duration:.0f} s, mix {report['mix']} …")
    before = scrape(server.base_url)
    one = asyncio.run(phase_one(args, server, secret, mix))
    after = scrape(server.base_url)
    memory["after phase 1"] = memory_mib(server.pid)
    one["stages"] = stage_table(before, after)
    one["counters"] = moved_counters(before, after)
    one["model_generations"] = model_generations(before, after)
    report["phase1"] = one
    print_phase_one(one, args.customers)
    say(f"  model generations during the phase: {one['model_generations']:.0f}")
    say(f"  counters over the phase: {one['counters']}")
    print_stages("Stage budget, phase 1", one["stages"])

    if not args.skip_model:
        say(f"\nphase 2: {args.model_customers} customers ask the model at once …")
        before = scrape(server.base_url)
        began = time.perf_counter()
        two = asyncio.run(phase_two(server, args.model_customers, args.model_timeout))
        wall = time.perf_counter() - began
        after = scrape(server.base_url)
        memory["after phase 2"] = memory_mib(server.pid)
        report["phase2"] = {
            "wall_s": wall,
            "customers": two,
            "counters": moved_counters(before, after),
            "model_generations": model_generations(before, after),
            "stages": stage_table(before, after),
        }
        print_phase_two(two, report["phase2"]["counters"])
        print_stages("Stage budget, phase 2", report["phase2"]["stages"])
    exported = after.get(("process_resident_memory_bytes", ()))
    print_memory(memory, one["rss_samples"])
    if exported is not None:
        report["process_resident_memory_mib"] = exported / 2**20
        say(f"  /metrics process_resident_memory_bytes at the end: {exported / 2**20:.0f} MiB")


def main() -> None:
    args = parse_args()
    stop_on_sigterm()
    defaults = Settings()
    gguf = args.gguf or model_path(
        MODELS[args.model or defaults.llm.embedded_model.value], defaults.cache_dir
    )
    if not gguf.is_file():
        sys.exit(f"no model at {gguf}: perimeter models fetch")
    secret = secrets.token_urlsafe(32)  # this run only
    report: dict[str, Any] = {
        "config": {
            "customers": args.customers,
            "duration_s": args.duration,
            "turns_per_conversation": args.turns_per_conversation,
            "model_customers": 0 if args.skip_model else args.model_customers,
            "gguf": str(gguf),
            "log_level": args.log_level,
            "cpus": os.cpu_count(),
            "answer_cache_in_build": "answer_cache" in Settings.model_fields,
        }
    }
    random.seed(args.seed)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="perimeter-load-") as tmp:
        try:
            with started(args, Path(tmp), gguf, secret) as server:
                run(args, server, secret, report)
        except KeyboardInterrupt:
            say("\ninterrupted: the server and the sandbox are stopped")
            raise SystemExit(130) from None
        except (RuntimeError, OSError, httpx.HTTPError, subprocess.SubprocessError) as exc:
            log = Path(tmp) / "server.log"
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            sys.exit(f"benchmark failed: {exc!r}\n--- server log (tail) ---\n{tail}")
    report["run_s"] = time.perf_counter() - began
    say(f"\nwhole run {report['run_s']:.0f} s (processes stopped)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        say(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
