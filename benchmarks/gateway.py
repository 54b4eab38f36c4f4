"""The gateway's overhead over calling the model server directly, side by side in one run.

    python benchmarks/gateway.py [--rounds 60]

One llama.cpp server (``python -m llama_cpp.server``, the small test model) and
``perimeter serve`` with the gateway on its port, in front of it twice: as the local model
(``perimeter``, through the assistant's LangChain model and its queue) and as a named
upstream (``direct-model``, forwarded over HTTP). Each round asks the same short question
four ways, in turn — directly, through the gateway to the local model, through the gateway to
the named upstream, and streamed — with ``max_tokens=1``: the server's own work is then
a cached prompt and one token, so what differs is the gateway. Medians and p95 in
milliseconds; the machine is shared and noisy, so compare the columns, not the runs.
Then the screen for personal data alone on each labelled gateway set (``evals/gateway*``):
what it lets through, what it keeps home, what pseudonymization leaves, and its cost
(``--screen-only`` for that part alone).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402
import yaml  # noqa: E402

from integrations.llm.catalog import MODELS  # noqa: E402
from integrations.llm.fetch import fetch_model  # noqa: E402
from integrations.processes import free_port  # noqa: E402
from tests.support.servers import llama_cpp_server, perimeter_server, server_env  # noqa: E402

QUESTION = [{"role": "user", "content": "Что такое вклад? Ответь одним словом."}]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--screen-only", action="store_true")
    args = parser.parse_args()
    if args.screen_only:
        for labelled in sorted((ROOT / "evals").glob("gateway*/requests.yaml")):
            screen_report(labelled)
        return
    gguf = fetch_model(MODELS["qwen2.5-coder-0.5b"], Path.home() / ".cache" / "perimeter")
    work = Path(tempfile.mkdtemp(prefix="perimeter-gateway-bench-"))
    with llama_cpp_server(gguf, "direct-model", work) as upstream:
        port = free_port()
        named = {"name": "named", "base_url": upstream, "zone": "private",
                 "models": ["direct-model"], "context_tokens": 2048}  # fmt: skip
        settings = {
            "llm__backend": "openai",
            "llm__openai_base_url": upstream,
            "llm__model": "direct-model",
            "llm__context_tokens": "2048",
            "gateway__port": str(port),
            "gateway__upstreams": json.dumps([named]),
            "gateway__requests_per_minute": "1000000",
            "log_level": "WARNING",
        }
        with perimeter_server(work / "perimeter", **settings) as server:
            key = subprocess.run(
                [sys.executable, "-m", "bot.cli", "gateway", "keys", "add", "bench"],
                env=server_env(server.data_dir, **settings),
                capture_output=True, text=True, check=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            direct = openai.OpenAI(base_url=upstream, api_key="none", max_retries=0)
            gateway = openai.OpenAI(
                base_url=f"http://127.0.0.1:{port}/v1", api_key=key, max_retries=0
            )
            ways: dict[str, Callable[[], object]] = {
                "direct to the server": lambda: direct.chat.completions.create(
                    model="direct-model",
                    messages=QUESTION,
                    max_tokens=1,  # type: ignore[arg-type]
                ),
                "gateway, local model": lambda: gateway.chat.completions.create(
                    model="perimeter",
                    messages=QUESTION,
                    max_tokens=1,  # type: ignore[arg-type]
                ),
                "gateway, named upstream": lambda: gateway.chat.completions.create(
                    model="direct-model",
                    messages=QUESTION,
                    max_tokens=1,  # type: ignore[arg-type]
                ),
                "gateway, named, streamed": lambda: list(
                    gateway.chat.completions.create(
                        model="direct-model",
                        messages=QUESTION,
                        max_tokens=1,
                        stream=True,  # type: ignore[arg-type]
                    )
                ),
            }
            for call in ways.values():  # warm: connections, the server's prompt cache
                call()
                call()
            times: dict[str, list[float]] = {name: [] for name in ways}
            for _ in range(args.rounds):
                for name, call in ways.items():
                    times[name].append(timed(call))
            direct.close()
            gateway.close()
    base = statistics.median(times["direct to the server"])
    print(f"\nchat completion, max_tokens=1, {args.rounds} rounds interleaved (ms)")
    print(f"{'way':<28} {'p50':>8} {'p95':>8} {'p50 over direct':>16}")
    for name, values in times.items():
        p50 = statistics.median(values)
        print(f"{name:<28} {p50:>8.1f} {percentile(values, 0.95):>8.1f} {p50 - base:>+16.1f}")
    for labelled in sorted((ROOT / "evals").glob("gateway*/requests.yaml")):
        screen_report(labelled)


def screen_report(path: Path) -> None:
    """The screen on a labelled set: requests with personal data it let through as clean
    (they would go out raw), clean ones it kept home, and the values still in the text after
    pseudonymization (by the e2e test's rule, ``tests/support/leaks.py``)."""
    from bot.gateway.pseudonyms import Pseudonyms
    from bot.gateway.screening import Screen
    from bot.privacy.detector import PiiDetector
    from bot.privacy.words import NameTagger
    from tests.support.leaks import contains

    screen = Screen(PiiDetector(names=NameTagger()))
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    missed = kept = leaks = values = 0
    costs: list[float] = []
    by_kind: dict[str, int] = {}
    for case in cases:
        texts = [m["content"] for m in case["messages"]]
        started = time.perf_counter()
        screenings = [screen.screen(t) for t in texts]
        costs.append((time.perf_counter() - started) * 1000)
        personal = any(s.personal for s in screenings)
        if case["pii"] and not personal:
            missed += 1
        if not case["pii"] and personal:
            kept += 1
        pseudonyms = Pseudonyms()
        sent = "\n".join(pseudonyms.mask(t, s) for t, s in zip(texts, screenings, strict=True))
        for value in case["pii"]:
            values += 1
            if contains(value["type"], value["value"], sent):
                leaks += 1
                by_kind[value["type"]] = by_kind.get(value["type"], 0) + 1
    personal_n = sum(1 for c in cases if c["pii"])
    clean_n = len(cases) - personal_n
    print(f"\nthe screen on {path.parent.name}: {len(cases)} requests")
    print(f"  with personal data judged clean (would go out raw): {missed} of {personal_n}")
    print(f"  clean kept at home (false alarms): {kept} of {clean_n}")
    print(f"  values left after pseudonymization: {leaks} of {values} {by_kind or ''}")
    print(
        f"  cost per request: p50 {statistics.median(costs):.1f} ms,"
        f" p95 {percentile(costs, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()
