"""Prometheus metrics. Labels are bounded sets; no message text, no customer data."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from bot.dialogue.models import AuditEntry, HandoffReason, Priority, Resolution, Route

_STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160)
_WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
_QUEUE_BUCKETS = (0.01, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)
_KNOWN_STAGES = frozenset({"store", "route", "retrieve", "first_token", "answer", "send", "total"})
# What became of a knowledge question: written by the model, a passage's line quoted, a curated
# FAQ entry, a cached answer; or no answer (abstained, ungrounded, nothing relevant found).
KNOWLEDGE_OUTCOMES = (
    "written",
    "quoted",
    "faq",
    "cache",
    "abstained",
    "ungrounded",
    "not_found",
)
MODEL_ERRORS = ("timeout", "unavailable")


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        if registry is None:  # the process's memory, CPU, descriptors and garbage collection
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)
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
        self.knowledge_answers = Counter(
            "perimeter_knowledge_answers_total",
            "Knowledge questions by what answered them (written, quoted, faq, cache) or why"
            " none did",
            ["outcome"],
            registry=self.registry,
        )
        self.cache_lookups = Counter(
            "perimeter_answer_cache_lookups_total",
            "Answer cache lookups, by result (hit, miss)",
            ["result"],
            registry=self.registry,
        )
        self.cache_entries = Gauge(
            "perimeter_answer_cache_entries",
            "Answers in this process's answer cache",
            registry=self.registry,
        )
        self.cache_invalidations = Counter(
            "perimeter_answer_cache_invalidations_total",
            "Cached answers dropped because a document they cite changed",
            registry=self.registry,
        )
        self.model_queue_length = Gauge(
            "perimeter_model_queue_length",
            "Generations at the model now, running or waiting for a turn",
            ["state"],
            registry=self.registry,
        )
        self.model_queue_wait = Histogram(
            "perimeter_model_queue_wait_seconds",
            "From asking for a turn at the model to getting it",
            buckets=_QUEUE_BUCKETS,
            registry=self.registry,
        )
        self.model_refusals = Counter(
            "perimeter_model_refused_total",
            "Generations refused at once because the model's queue was full",
            registry=self.registry,
        )
        self.model_errors = Counter(
            "perimeter_model_errors_total",
            "Generations that failed, by kind (timeout, unavailable)",
            ["kind"],
            registry=self.registry,
        )
        self.model_tokens = Counter(
            "perimeter_model_tokens_total",
            "Pieces of text (about a token each) the model generated",
            registry=self.registry,
        )
        self.model_generation_seconds = Histogram(
            "perimeter_model_generation_seconds",
            "From the model's first token to its last",
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self.breaker_open = Gauge(
            "perimeter_circuit_breaker_open",
            "1 while the circuit breaker in front of a bank system is open (no calls sent)",
            ["service"],
            registry=self.registry,
        )
        self.gateway_calls_total = Counter(
            "perimeter_gateway_calls_total",
            "Calls to the OpenAI-compatible gateway, by endpoint, upstream, route reason, status",
            ["endpoint", "upstream", "reason", "status"],
            registry=self.registry,
        )
        self.gateway_call_seconds = Histogram(
            "perimeter_gateway_call_seconds",
            "A gateway call from its arrival to its last byte, by endpoint and upstream",
            ["endpoint", "upstream"],
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self.gateway_pii_found = Counter(
            "perimeter_gateway_pii_total",
            "Personal data found (or suspected) in gateway requests, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.gateway_tokens_total = Counter(
            "perimeter_gateway_tokens_total",
            "Tokens through the gateway, by client key name and direction",
            ["client", "direction"],
            registry=self.registry,
        )
        for outcome in KNOWLEDGE_OUTCOMES:
            self.knowledge_answers.labels(outcome)
        for result in ("hit", "miss"):
            self.cache_lookups.labels(result)
        for state in ("running", "waiting"):
            self.model_queue_length.labels(state)
        for kind in MODEL_ERRORS:
            self.model_errors.labels(kind)
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

    def knowledge(self, outcome: str) -> None:
        if outcome in KNOWLEDGE_OUTCOMES:
            self.knowledge_answers.labels(outcome).inc()

    def watch_breaker(self, service: str, is_open: Callable[[], bool]) -> None:
        """Export ``is_open()`` (read at every scrape) as the service's breaker state."""
        self.breaker_open.labels(service).set_function(lambda: float(is_open()))

    # rag.admission.AdmissionObserver
    def model_queue(self, running: int, waiting: int) -> None:
        self.model_queue_length.labels("running").set(running)
        self.model_queue_length.labels("waiting").set(waiting)

    def model_waited(self, seconds: float) -> None:
        self.model_queue_wait.observe(seconds)

    def model_refused(self) -> None:
        self.model_refusals.inc()

    # rag.observer.AnswerObserver
    def generated(self, tokens: int, seconds: float) -> None:
        self.model_tokens.inc(tokens)
        self.model_generation_seconds.observe(seconds)

    def model_failed(self, kind: str) -> None:
        if kind in MODEL_ERRORS:
            self.model_errors.labels(kind).inc()

    def cache_lookup(self, hit: bool) -> None:
        self.cache_lookups.labels("hit" if hit else "miss").inc()

    def cache_size(self, entries: int) -> None:
        self.cache_entries.set(entries)

    def cache_invalidated(self, entries: int) -> None:
        self.cache_invalidations.inc(entries)

    # bot.gateway.service.GatewayObserver
    def gateway_call(
        self, endpoint: str, upstream: str, reason: str, status: int, seconds: float
    ) -> None:
        self.gateway_calls_total.labels(endpoint, upstream or "none", reason, str(status)).inc()
        if status < 400:
            self.gateway_call_seconds.labels(endpoint, upstream or "none").observe(seconds)

    def gateway_pii(self, kind: str, count: int) -> None:
        self.gateway_pii_found.labels(kind).inc(count)

    def gateway_tokens(self, client: str, prompt: int, completion: int) -> None:
        if prompt:
            self.gateway_tokens_total.labels(client, "prompt").inc(prompt)
        if completion:
            self.gateway_tokens_total.labels(client, "completion").inc(completion)
