"""Runs cases through a real DialogueEngine and scores them."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.dialogue.engine import DialogueEngine
from bot.dialogue.models import AuthMethod, Channel, IncomingMessage, Reply
from bot.dialogue.sinks import DiscardingSink
from bot.evaluation.cases import EvalCase


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


@dataclass
class CaseResult:
    id: str
    passed: bool
    route: str
    action: str | None
    expected_route: str
    sources: list[str]
    reply: str
    latency_ms: float
    failures: list[str] = field(default_factory=list)
    curated: bool = False  # answered by a curated FAQ entry without the model
    quoted: bool = False  # a line of the knowledge base quoted (the model's draft failed)


def score_case(case: EvalCase, reply: Reply, latency_ms: float) -> CaseResult:
    expect = case.expect
    route = reply.route.value
    cited = [s.doc_id for s in reply.sources]
    failures: list[str] = []
    if route != expect.route:
        why = f" ({reply.handoff.value})" if reply.handoff else ""
        failures.append(f"route {route}{why} != {expect.route}")
    if expect.action and reply.action != expect.action:
        failures.append(f"action {reply.action} != {expect.action}")
    if expect.route == "answer" and expect.sources and not set(cited) & set(expect.sources):
        failures.append(f"cites {cited or 'nothing'}, expected one of {expect.sources}")
    body = _squash(reply.text)
    failures += [f"missing {s!r}" for s in expect.contains if _squash(s) not in body]
    failures += [f"contains {s!r}" for s in expect.not_contains if _squash(s) in body]
    return CaseResult(
        case.id,
        not failures,
        route,
        reply.action,
        expect.route,
        cited,
        reply.text,
        round(latency_ms, 1),
        failures,
        reply.curated,
        reply.quoted,
    )


async def run_case(engine: DialogueEngine, case: EvalCase) -> CaseResult:
    conversation = await engine.start_conversation(Channel.EVAL)
    if case.customer:
        # As if the bank's site had vouched for this customer (the case is authenticated).
        await engine.authenticate(conversation.id, case.customer, AuthMethod.EVAL)
    reply: Reply | None = None
    latency_ms = 0.0
    for text in case.messages:
        started = time.perf_counter()
        reply = await engine.handle(
            IncomingMessage(conversation.id, text, Channel.EVAL), DiscardingSink()
        )
        latency_ms = (time.perf_counter() - started) * 1000
    assert reply is not None
    return score_case(case, reply, latency_ms)


async def run_cases(
    engine: DialogueEngine,
    cases: Sequence[EvalCase],
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    results = []
    for case in cases:
        result = await run_case(engine, case)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


_DIGIT = re.compile(r"\d")


def _fact_failures(result: CaseResult) -> list[str]:
    return [f for f in result.failures if f.startswith(("missing", "contains"))]


def stated_wrong_fact(case: EvalCase, result: CaseResult) -> bool:
    """The reply answered with figures, and they are not the expected ones: an expected figure
    is missing while the reply gives others, or a figure it must not give is there."""
    if result.route != "answer":
        return False
    expect = case.expect
    if any(f.startswith("contains") and _DIGIT.search(f) for f in result.failures):
        return True
    missing_figure = any(f.startswith("missing") and _DIGIT.search(f) for f in result.failures)
    return missing_figure and bool(_DIGIT.search(result.reply)) and bool(expect.contains)


def confusion(results: Sequence[CaseResult]) -> dict[str, dict[str, int]]:
    """Expected route → the routes given, with counts."""
    table: dict[str, dict[str, int]] = {}
    for r in results:
        row = table.setdefault(r.expected_route, {})
        row[r.route] = row.get(r.route, 0) + 1
    return {route: dict(sorted(row.items())) for route, row in sorted(table.items())}


def summarize(cases: Sequence[EvalCase], results: Sequence[CaseResult]) -> dict[str, Any]:
    by_id = {c.id: c for c in cases}
    with_sources = [
        r for r in results if r.expected_route == "answer" and by_id[r.id].expect.sources
    ]
    with_text = [
        r for r in results if by_id[r.id].expect.contains or by_id[r.id].expect.not_contains
    ]
    predicted_handoff = [r for r in results if r.route == "handoff"]
    expected_handoff = [r for r in results if r.expected_route == "handoff"]
    latencies = [r.latency_ms for r in results]
    with_action = [r for r in results if by_id[r.id].expect.action]
    by_route = {
        route: [r.latency_ms for r in results if r.route == route and r.passed]
        for route in ("action", "answer")
    }
    faq = [r.latency_ms for r in results if r.curated]
    generated = [r.latency_ms for r in results if r.route == "answer" and not r.curated]
    knowledge_facts = [
        r for r in results if r.expected_route == "answer" and by_id[r.id].expect.contains
    ]
    with_figures = [
        r
        for r in results
        if r.route == "answer"
        and any(
            _DIGIT.search(x) for x in by_id[r.id].expect.contains + by_id[r.id].expect.not_contains
        )
    ]
    containable = [r for r in results if r.expected_route != "handoff"]
    account = [r for r in results if r.expected_route == "action"]
    return {
        "total": len(results),
        "passed": sum(r.passed for r in results),
        "right_facts_rate": _ratio(
            sum(r.route == "answer" and not _fact_failures(r) for r in knowledge_facts),
            len(knowledge_facts),
        ),
        "wrong_fact_rate": _ratio(
            sum(stated_wrong_fact(by_id[r.id], r) for r in with_figures), len(with_figures)
        ),
        "account_answered_rate": _ratio(
            sum(r.route == "action" and r.action == by_id[r.id].expect.action for r in account),
            len(account),
        ),
        "containment_of_containable": _ratio(
            sum(r.route != "handoff" for r in containable), len(containable)
        ),
        "quoted_answers": sum(r.quoted for r in results),
        "route_accuracy": _ratio(sum(r.route == r.expected_route for r in results), len(results)),
        "source_hit_rate": _ratio(
            sum(bool(set(r.sources) & set(by_id[r.id].expect.sources)) for r in with_sources),
            len(with_sources),
        ),
        "contains_rate": _ratio(
            sum(
                not any(f.startswith(("missing", "contains")) for f in r.failures)
                for r in with_text
            ),
            len(with_text),
        ),
        "handoff_precision": _ratio(
            sum(r.expected_route == "handoff" for r in predicted_handoff), len(predicted_handoff)
        ),
        "handoff_recall": _ratio(
            sum(r.route == "handoff" for r in expected_handoff), len(expected_handoff)
        ),
        "containment_rate": _ratio(sum(r.route != "handoff" for r in results), len(results)),
        "action_accuracy": _ratio(
            sum(r.action == by_id[r.id].expect.action for r in with_action), len(with_action)
        ),
        "auth_required_recall": _ratio(
            sum(r.route == "auth_required" for r in results if r.expected_route == "auth_required"),
            sum(r.expected_route == "auth_required" for r in results),
        ),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
        "action_latency_p50_ms": _percentile(by_route["action"], 50),
        "action_latency_p95_ms": _percentile(by_route["action"], 95),
        "answer_latency_p50_ms": _percentile(by_route["answer"], 50),
        "answer_latency_p95_ms": _percentile(by_route["answer"], 95),
        "faq_answers": len(faq),
        "faq_share_of_answers": _ratio(len(faq), sum(r.route == "answer" for r in results)),
        "faq_correct": sum(r.passed for r in results if r.curated),
        "faq_latency_p50_ms": _percentile(faq, 50),
        "faq_latency_p95_ms": _percentile(faq, 95),
        "llm_answer_latency_p50_ms": _percentile(generated, 50),
        "llm_answer_latency_p95_ms": _percentile(generated, 95),
    }


def report(cases: Sequence[EvalCase], results: Sequence[CaseResult]) -> dict[str, Any]:
    return {
        "summary": summarize(cases, results),
        "confusion": confusion(results),
        "cases": [asdict(r) for r in results],
    }
