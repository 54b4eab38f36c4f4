"""A real Prometheus (Debian's binary) on the loopback scrapes a real `perimeter serve` on its
staff port, once a second, and evaluates deploy/prometheus/rules/perimeter.yml: the target is
up, the rule groups load and evaluate, the dashboard's queries run, and the containment ratio
the dashboard and the alerts use comes back as a number.

The containment ratio is the app's own gauge (``perimeter_containment_ratio``, through the
recording rule ``perimeter:containment:ratio_max``), not a stand-in computed from counters. The
leader's queue sweeper sets it from the day's stored conversations when it starts and then once
a minute (``_CONTAINMENT_EVERY`` in bot/operators/sweeper.py; no setting shortens it). So the
module first serves a few conversations and stops, then serves again on the same database: the
restarted server reports today's conversations at once. The counters' ratio
(``perimeter:messages_contained:ratio_rate5m``) is checked as well, from messages sent while
Prometheus watches.

The model is unreachable (as in test_faq_answers.py) and the knowledge base is two documents
of the sample one (its FAQ and the mortgage page: a quicker index): a curated FAQ answer and a
greeting end without a person; a request for an operator and a question that needs the model
are handed over. Two of four conversations contained: 0.5."""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from integrations.processes import child_process, free_port
from tests.conftest import KB_DIR
from tests.deploy.test_monitoring import (
    RULES,
    as_promql,
    load_dashboard,
    metric_names,
    panel_expressions,
    recorded_names,
)
from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import ask

PROMETHEUS = Path("/usr/bin/prometheus")
# Two of four conversations end without a person.
CONVERSATIONS = (
    "Привет!",  # smalltalk
    "Сколько стоит обслуживание дебетовой карты в месяц?",  # the curated FAQ
    "Позовите оператора",  # handoff: customer_request
    "Какие документы нужны для ипотеки?",  # handoff: model_unavailable
)
CONTAINED = 0.5
KB_FILES = ("faq-popular.faq.yaml", "mortgage.md")
WAIT_S = 20


def serve(data_dir: Path, kb: Path, staff_port: int) -> AbstractContextManager[RunningServer]:
    """`perimeter serve` with an unreachable model, the curated FAQ on, staff pages and
    /metrics on ``staff_port``."""
    return perimeter_server(
        data_dir,
        llm__backend="openai",
        llm__openai_base_url="http://127.0.0.1:9/v1",
        llm__model="unreachable",
        llm__timeout_s="5",
        retrieval__faq_min_score="0.6",
        kb_dir=str(kb),
        http__staff_port=str(staff_port),
    )


@dataclass
class Monitored:
    server: RunningServer
    metrics_url: str  # the staff port's /metrics, as Prometheus scrapes it
    prometheus: httpx.Client


def query(prometheus: httpx.Client, promql: str) -> list[dict[str, Any]]:
    response = prometheus.get("/api/v1/query", params={"query": promql})
    body = response.json()
    assert response.status_code == 200 and body["status"] == "success", (promql, body)
    result = body["data"]["result"]
    assert isinstance(result, list)
    return result


def eventually(check: Callable[[], Any], what: str) -> Any:
    """``check()``'s first truthy answer within WAIT_S seconds (rules evaluate every second)."""
    deadline = time.monotonic() + WAIT_S
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    pytest.fail(f"{what}: not within {WAIT_S} s (last answer: {last!r})")


def value(prometheus: httpx.Client, promql: str) -> float | None:
    """The single sample's value, None while there is none (or it is not a number yet)."""
    result = query(prometheus, promql)
    if len(result) != 1:
        return None
    number = float(result[0]["value"][1])
    return None if math.isnan(number) else number


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Monitored]:
    if not PROMETHEUS.exists():
        pytest.fail("Debian's prometheus is required: apt-get install prometheus (make test does)")
    kb = tmp_path_factory.mktemp("kb")
    for name in KB_FILES:
        shutil.copy(KB_DIR / name, kb / name)
    data_dir = tmp_path_factory.mktemp("prometheus-app")
    with serve(data_dir, kb, free_port()) as first:  # today's conversations, stored
        for text in CONVERSATIONS:
            ask(first.base_url, text)
    staff_port = free_port()
    folder = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": "perimeter",
                "metrics_path": "/metrics",
                "static_configs": [{"targets": [f"127.0.0.1:{staff_port}"]}],
            }
        ],
    }
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    argv = [
        str(PROMETHEUS),
        f"--config.file={folder / 'prometheus.yml'}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    url = f"http://127.0.0.1:{port}"
    with (
        serve(data_dir, kb, staff_port) as server,
        child_process(
            argv, log=folder / "prometheus.log", health_url=f"{url}/-/ready", startup_s=30
        ),
        httpx.Client(base_url=url, timeout=10) as prometheus,
    ):
        yield Monitored(server, f"http://127.0.0.1:{staff_port}/metrics", prometheus)


def test_prometheus_scrapes_the_staff_port_and_loads_the_rules(monitored: Monitored) -> None:
    prometheus = monitored.prometheus
    eventually(lambda: value(prometheus, 'up{job="perimeter"}') == 1, 'up{job="perimeter"} == 1')

    expected = {g["name"]: g["rules"] for g in yaml.safe_load(RULES.read_text())["groups"]}

    def evaluated() -> dict[str, list[dict[str, Any]]] | None:
        """The rule groups Prometheus has, once it has them all and each rule evaluated."""
        body = prometheus.get("/api/v1/rules").json()
        found = {g["name"]: g["rules"] for g in body["data"]["groups"]}
        healthy = all(r["health"] == "ok" for rules in found.values() for r in rules)
        return found if found.keys() == expected.keys() and healthy else None

    loaded = eventually(evaluated, "every rule group loaded and evaluated without error")
    for name, rules in expected.items():
        assert len(loaded[name]) == len(rules), name


def test_the_containment_ratio_comes_back_as_a_number(monitored: Monitored) -> None:
    prometheus = monitored.prometheus
    contained = eventually(
        lambda: value(prometheus, 'perimeter:containment:ratio_max{job="perimeter"}'),
        "the containment recording rule",
    )
    assert contained == pytest.approx(CONTAINED)
    [(title, panel)] = [
        (title, expr)
        for title, expr in panel_expressions(load_dashboard())
        if title == "Containment today"
    ]
    assert value(prometheus, as_promql(panel)) == pytest.approx(CONTAINED), title


def test_the_dashboard_shows_the_messages_sent_while_prometheus_watches(
    monitored: Monitored,
) -> None:
    prometheus = monitored.prometheus
    # The counters must move between two scrapes for a rate: one scrape before the messages.
    eventually(lambda: value(prometheus, 'up{job="perimeter"}') == 1, "a first scrape")
    for text in CONVERSATIONS:
        ask(monitored.server.base_url, text)

    [answers] = [
        expr for title, expr in panel_expressions(load_dashboard()) if title == "Answers by route"
    ]

    def per_minute_once_moving() -> dict[str, float] | None:
        rows = query(prometheus, as_promql(answers))
        by_route = {row["metric"]["route"]: float(row["value"][1]) for row in rows}
        moving = {route for route, per_minute in by_route.items() if per_minute > 0}
        return by_route if moving >= {"smalltalk", "answer", "handoff"} else None

    moving = eventually(
        per_minute_once_moving, "the «Answers by route» panel shows the routes taken"
    )
    assert moving["out_of_scope"] == 0 and moving["action"] == 0
    eventually(
        lambda: (
            value(prometheus, 'perimeter:messages_contained:ratio_rate5m{job="perimeter"}')
            == pytest.approx(CONTAINED)
        ),
        "the counters' containment ratio",
    )
    # Every panel's query runs (an error in one fails here, not in front of the bank's IT).
    for title, expr in panel_expressions(load_dashboard()):
        response = prometheus.get("/api/v1/query", params={"query": as_promql(expr)})
        assert response.json()["status"] == "success", (title, response.text)


def test_every_series_the_dashboard_names_is_in_the_live_exposition(
    monitored: Monitored,
) -> None:
    exposition = httpx.get(monitored.metrics_url, timeout=10).text
    live = set()
    for family in text_string_to_metric_families(exposition):
        live.add(family.name)
        live.update(sample.name for sample in family.samples)
        if family.type == "counter":
            live.add(f"{family.name}_total")
        if family.type == "histogram":
            live.update(f"{family.name}{suffix}" for suffix in ("_bucket", "_sum", "_count"))
    wanted = set().union(*(metric_names(expr) for _, expr in panel_expressions(load_dashboard())))
    missing = wanted - live - recorded_names() - {"up"}
    assert not missing, sorted(missing)
