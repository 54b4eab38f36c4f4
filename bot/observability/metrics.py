"""Prometheus metrics. Labels are bounded sets; no message text, no customer data."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from bot.dialogue.models import AuditEntry, HandoffReason, Route

_STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160)
_KNOWN_STAGES = frozenset({"store", "retrieve", "answer", "total", "first_token"})


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "perimeter_http_requests_total",
            "HTTP requests by route template and status",
            ["method", "path", "status"],
            registry=self.registry,
        )
        self.messages = Counter(
            "perimeter_messages_total",
            "Customer messages handled, by reply route",
            ["route"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "perimeter_handoffs_total",
            "Handoffs to a human, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "perimeter_stage_seconds",
            "Latency of each stage of handling a message",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "perimeter_channel_errors_total",
            "Rejected or failed channel inputs, by code",
            ["channel", "code"],
            registry=self.registry,
        )
        self.core_calls = Counter(
            "perimeter_core_calls_total",
            "Calls to the bank's core systems, by action and outcome (the audit log in numbers)",
            ["action", "outcome"],
            registry=self.registry,
        )
        self.core_seconds = Histogram(
            "perimeter_core_call_seconds",
            "Latency of calls to the bank's core systems, by action",
            ["action"],
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self.feedback_total = Counter(
            "perimeter_feedback_total",
            "Customer ratings of bot replies",
            ["rating"],
            registry=self.registry,
        )
        for route in Route:
            self.messages.labels(route.value)
        for reason in HandoffReason:
            self.handoffs.labels(reason.value)

    # EngineObserver
    def stage(self, name: str, seconds: float) -> None:
        if name in _KNOWN_STAGES:
            self.stage_seconds.labels(name).observe(seconds)

    def routed(self, route: Route) -> None:
        self.messages.labels(route.value).inc()

    def handoff(self, reason: HandoffReason) -> None:
        self.handoffs.labels(reason.value).inc()

    def audited(self, entry: AuditEntry) -> None:
        self.core_calls.labels(entry.action, entry.outcome).inc()
        self.core_seconds.labels(entry.action).observe(entry.latency_ms / 1000)

    def feedback(self, positive: bool) -> None:
        self.feedback_total.labels("up" if positive else "down").inc()
