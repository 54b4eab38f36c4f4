"""Prometheus metrics. Labels are bounded sets; no message text, no customer data."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.dialogue.models import AuditEntry, HandoffReason, Priority, Resolution, Route

_STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160)
_WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
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
        self.pii_redacted = Counter(
            "perimeter_pii_redacted_total",
            "Personal data replaced before storage or staff saw it, by kind",
            ["kind"],
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
        self.csat_total = Counter(
            "perimeter_csat_total",
            "Customers' ratings (1-5) of the operator after a handoff was resolved",
            ["score"],
            registry=self.registry,
        )
        self.queue_length = Gauge(
            "perimeter_handoff_queue_length",
            "Handoffs waiting for an operator, by priority",
            ["priority"],
            registry=self.registry,
        )
        self.handoffs_open = Gauge(
            "perimeter_handoffs_open",
            "Handoffs an operator owns (assigned or active)",
            registry=self.registry,
        )
        self.wait_seconds = Histogram(
            "perimeter_handoff_wait_seconds",
            "From handoff to an operator taking it",
            buckets=_WAIT_BUCKETS,
            registry=self.registry,
        )
        self.first_reply_seconds = Histogram(
            "perimeter_handoff_first_reply_seconds",
            "From handoff to the operator's first reply to the customer",
            buckets=_WAIT_BUCKETS,
            registry=self.registry,
        )
        self.resolved = Counter(
            "perimeter_handoffs_resolved_total",
            "Handoffs ended, by how (resolved, handed back to the bot, callback)",
            ["resolution"],
            registry=self.registry,
        )
        self.containment = Gauge(
            "perimeter_containment_ratio",
            "Share of today's conversations (UTC) that ended without a person",
            registry=self.registry,
        )
        self.operators_online = Gauge(
            "perimeter_operators_online",
            "Operators with the console open",
            registry=self.registry,
        )
        for priority in Priority:
            self.queue_length.labels(priority.value)
        for resolution in Resolution:
            self.resolved.labels(resolution.value)
        for score in range(1, 6):
            self.csat_total.labels(str(score))
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

    def csat(self, score: int) -> None:
        self.csat_total.labels(str(score)).inc()

    def audited(self, entry: AuditEntry) -> None:
        self.core_calls.labels(entry.action, entry.outcome).inc()
        self.core_seconds.labels(entry.action).observe(entry.latency_ms / 1000)

    def feedback(self, positive: bool) -> None:
        self.feedback_total.labels("up" if positive else "down").inc()
