"""Monitoring a bank's IT can rely on: the alert rules pass Prometheus's own checker and their
unit tests (Debian's promtool), every alert says how bad it is and where its runbook is, and the
Grafana dashboard is provisionable and asks only for series that exist — metrics the app
exports or series the rules record."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.observability.metrics import Metrics
from tests.deploy.files import CHART, ROOT, compose_model, load_yaml

RULES = ROOT / "deploy" / "prometheus" / "rules" / "perimeter.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "tests" / "perimeter_test.yml"
PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "perimeter.json"
RUNBOOK = ROOT / "docs" / "deploy.md"
HELM_INSTALLER = ROOT / "deploy" / "tools" / "install-helm.sh"

ROWS = ("Customers", "Model", "Operators")
SEVERITIES = {"page", "ticket"}
# What each row must show (the customer, model and operator views): a pattern that one
# of the row's expressions matches, for each figure.
VIEWS = {
    "Customers": {
        "answers by route": r"by \(route\).*perimeter_messages_total\b",
        "containment": r"perimeter:containment:ratio_max",
        "handoffs by reason": r"by \(reason\).*perimeter_handoffs_total\b",
        "CSAT": r"perimeter_csat_total\b",
        "cache and FAQ share": r"perimeter:knowledge_cache_faq:ratio_rate5m",
    },
    "Model": {
        "time to first token": r'perimeter_stage_seconds_bucket\{[^}]*stage="first_token"',
        "tokens per second": r"perimeter:model_tokens_per_second:ratio_rate5m",
        "queue length": r"perimeter_model_queue_length\b",
        "queue wait": r"perimeter_model_queue_wait_seconds_bucket\b",
        "errors": r"perimeter_model_errors_total\b",
        "abstentions and ungrounded answers": r"abstained\|ungrounded",
    },
    "Operators": {
        "queue": r"perimeter_handoff_queue_length\b",
        "waits": r"perimeter_handoff_wait_seconds_bucket\b",
        "first reply": r"perimeter_handoff_first_reply_seconds_bucket\b",
    },
}
# Grafana's variables, as a query would send them with the dashboard's defaults.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__range": "1h", "$job": "perimeter"}
_SYNTHETIC = {"up"}  # Prometheus's own series of every scrape target


# --- PromQL, read the way Prometheus does as far as names go -------------------------------

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"}
_KEYWORDS |= {"and", "or", "unless", "inf", "nan", "atan2"}


def metric_names(expr: str) -> set[str]:
    """The series names an expression selects: strings, label matchers, ranges, grouping
    clauses, offsets, numbers, keywords and function calls left out."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\boffset\s+-?\w+", " ", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        before = text[match.start() - 1] if match.start() else " "
        if before.isdigit() or before == ".":
            continue  # the exponent of 1e3
        if text[match.end() :].lstrip().startswith("("):
            continue  # a function or an aggregation
        if match.group().lower() not in _KEYWORDS:
            names.add(match.group())
    return names


def exported_names() -> set[str]:
    """Every series name the app's /metrics can carry: its registry's families (with the
    process and garbage-collector collectors it registers), each with the suffixes the
    exposition gives its type."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "summary": ("_sum", "_count", "_created", ""),
        "info": ("_info",),
    }
    names = set()
    for family in Metrics().registry.collect():
        for suffix in suffixes.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names


def load_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in load_rules() if "alert" in rule]


def recorded_names() -> set[str]:
    return {rule["record"] for rule in load_rules() if "record" in rule}


def load_dashboard() -> dict[str, Any]:
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def rows(dashboard: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each row's title and the panels under it (rows laid out flat, as Grafana saves them)."""
    result: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] | None = None
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            current = result.setdefault(panel["title"], [])
            current.extend(panel.get("panels", []))  # a collapsed row keeps its panels inside
        else:
            assert current is not None, f"panel {panel['title']!r} above the first row"
            current.append(panel)
    return result


def panel_expressions(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(panel title, PromQL) of every query on the dashboard."""
    for panels in rows(dashboard).values():
        for panel in panels:
            for target in panel.get("targets", []):
                yield panel["title"], target["expr"]


def as_promql(expr: str) -> str:
    """A panel's query as Grafana sends it, with the dashboard's default variables."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    assert "$" not in expr, f"an unknown variable in {expr!r}"
    return expr


def github_anchor(heading: str) -> str:
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(
            "promtool is missing: install Debian's prometheus package "
            "(`bash scripts/system-deps.sh` as root does; `make test` runs it)"
        )
    return path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


# --- the rules -------------------------------------------------------------------------------


def test_prometheus_accepts_the_rules(promtool: str) -> None:
    result = run(promtool, "check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(load_rules())} rules found" in result.stdout


def test_the_rules_pass_their_unit_tests(promtool: str) -> None:
    result = run(promtool, "test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_tested_firing_and_silent() -> None:
    tests = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))
    assert tests["rule_files"] == ["../rules/perimeter.yml"]
    fired: set[str] = set()
    silent: set[str] = set()
    for case in tests["tests"]:
        for check in case.get("alert_rule_test", []):
            (fired if check.get("exp_alerts") else silent).add(check["alertname"])
    names = {rule["alert"] for rule in alerts()}
    assert names <= fired, f"never seen firing: {sorted(names - fired)}"
    assert names <= silent, f"never seen silent: {sorted(names - silent)}"
    assert fired | silent <= names, f"tests of alerts that do not exist: {(fired | silent) - names}"


def test_every_alert_says_how_bad_it_is_and_what_to_do() -> None:
    headings = {
        github_anchor(line.lstrip("#"))
        for line in RUNBOOK.read_text(encoding="utf-8").splitlines()
        if line.startswith("### ")
    }
    for rule in alerts():
        name = rule["alert"]
        assert re.fullmatch(r"Perimeter[A-Z][A-Za-z]+", name), name
        assert rule.get("for"), f"{name}: no `for:`, one bad scrape would page"
        assert rule["labels"]["severity"] in SEVERITIES, name
        annotations = rule["annotations"]
        assert annotations.get("summary") and annotations.get("description"), name
        path, _, anchor = annotations["runbook_url"].partition("#")
        assert path == "docs/deploy.md", name
        assert anchor == github_anchor(name) and anchor in headings, (
            f"{name}: no heading «### {name}» in docs/deploy.md"
        )


def test_recording_rules_are_named_level_metric_operation() -> None:
    for name in recorded_names():
        assert re.fullmatch(r"perimeter:[a-z0-9_]+:[a-z0-9_]+", name), name


def test_the_rules_ask_only_for_series_the_app_exports() -> None:
    known = exported_names() | recorded_names() | _SYNTHETIC
    for rule in load_rules():
        unknown = metric_names(rule["expr"]) - known
        assert not unknown, f"{rule.get('alert') or rule.get('record')}: {sorted(unknown)}"


def test_the_name_reader_finds_what_an_expression_selects() -> None:
    # The cross-checks above and below are only as good as this reader.
    expr = (
        'sum by (job, le) (rate(a_bucket{x="y{z}", job="$job"}[$__rate_interval])) / on (job) '
        "max without (instance) (b offset 1d) > 1e3 and on() c:d:ratio or vector(0) - absent(up)"
    )
    assert metric_names(expr) == {"a_bucket", "b", "c:d:ratio", "up"}


def test_compose_mounts_the_rules_where_the_config_loads_them(
    promtool: str, tmp_path: Path
) -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    prometheus = compose_model()["services"]["prometheus"]
    mounted = {
        target: source
        for source, target, *_ in (str(volume).split(":") for volume in prometheus["volumes"])
    }
    [pattern] = config["rule_files"]
    folder, _, glob = pattern.rpartition("/")
    assert mounted[folder] == "./deploy/prometheus/rules"
    assert [path.name for path in RULES.parent.glob(glob)] == [RULES.name]
    # The config as Prometheus reads it, the rules where the container has them.
    local = tmp_path / "prometheus.yml"
    local.write_text(
        PROMETHEUS_CONFIG.read_text(encoding="utf-8").replace(folder, str(RULES.parent)),
        encoding="utf-8",
    )
    result = run(promtool, "check", "config", str(local))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(load_rules())} rules found" in result.stdout


# --- the dashboard ---------------------------------------------------------------------------


def test_the_dashboard_is_provisionable() -> None:
    dashboard = load_dashboard()
    assert dashboard["uid"] == "perimeter-overview"
    assert dashboard["title"] == "Perimeter"
    assert dashboard.get("id") is None, "a provisioned dashboard carries no database id"
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    used = {v for _, expr in panel_expressions(dashboard) for v in re.findall(r"\$(\w+)", expr)}
    assert used <= set(variables) | {"__rate_interval", "__range"}, used - set(variables)
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    for panels in rows(dashboard).values():
        for panel in panels:
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, (
                f"{panel['title']}: not the dashboard's data source variable"
            )
            assert panel["fieldConfig"]["defaults"].get("unit"), f"{panel['title']}: no unit"
            grid = panel["gridPos"]
            assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]


def test_the_panels_do_not_overlap() -> None:
    cells: dict[tuple[int, int], str] = {}
    for panel in load_dashboard()["panels"]:
        grid = panel["gridPos"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, f"{panel['title']} covers {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_the_dashboard_has_the_customer_model_and_operator_views() -> None:
    by_row = rows(load_dashboard())
    assert tuple(by_row) == ROWS
    for row, figures in VIEWS.items():
        exprs = [target["expr"] for panel in by_row[row] for target in panel.get("targets", [])]
        for figure, pattern in figures.items():
            assert any(re.search(pattern, expr) for expr in exprs), f"{row}: no {figure}"


def test_the_panels_ask_only_for_series_the_app_exports() -> None:
    known = exported_names() | recorded_names() | _SYNTHETIC
    for title, expr in panel_expressions(load_dashboard()):
        unknown = metric_names(expr) - known
        assert not unknown, f"{title}: {sorted(unknown)}"


def test_the_panels_follow_the_time_picker_and_the_installation() -> None:
    # Fixed windows belong in the recording rules; a panel's window follows the zoom.
    for title, expr in panel_expressions(load_dashboard()):
        windows = set(re.findall(r"\[([^\]]+)\]", expr))
        assert windows <= {"$__rate_interval", "$__range"}, f"{title}: {windows}"
        for name in metric_names(expr):
            for selector in re.finditer(
                rf"(?<![\w:]){re.escape(name)}(?![\w:])(\{{[^}}]*\}})?", expr
            ):
                assert 'job="$job"' in (selector.group(1) or ""), (
                    f"{title}: {selector.group()} is not one installation's"
                )


def test_every_panel_query_parses(promtool: str, tmp_path: Path) -> None:
    """Prometheus's own parser reads each query (as a recording rule's expression)."""
    rules = [
        {"record": f"panel:query_{number}:check", "expr": as_promql(expr)}
        for number, (_, expr) in enumerate(panel_expressions(load_dashboard()))
    ]
    checked = tmp_path / "panels.yml"
    checked.write_text(
        yaml.safe_dump({"groups": [{"name": "panels", "rules": rules}]}), encoding="utf-8"
    )
    result = run(promtool, "check", "rules", str(checked))
    assert result.returncode == 0, result.stdout + result.stderr


# --- the Helm chart's PrometheusRule -------------------------------------------------------


@pytest.fixture(scope="module")
def helm() -> str:
    result = run("bash", str(HELM_INSTALLER))
    if result.returncode != 0:
        pytest.skip(f"no helm: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


def render_chart(helm: str, folder: Path, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The chart rendered from a copy without its registry dependencies (as test_helm does)."""
    copy = folder / "perimeter"
    shutil.copytree(CHART, copy)
    metadata = yaml.safe_load((copy / "Chart.yaml").read_text(encoding="utf-8"))
    metadata.pop("dependencies")
    (copy / "Chart.yaml").write_text(yaml.safe_dump(metadata), encoding="utf-8")
    (folder / "values.json").write_text(json.dumps(values), encoding="utf-8")
    result = run(
        helm,
        "template",
        "perimeter",
        str(copy),
        "-n",
        "perimeter",
        "-f",
        str(folder / "values.json"),
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_the_chart_carries_the_same_rules_for_the_operator(
    helm: str, promtool: str, tmp_path: Path
) -> None:
    from tests.deploy.test_helm import VALUES

    values = {**VALUES, "metrics": {"serviceMonitor": {"enabled": True}}}
    assert not [
        m for m in render_chart(helm, tmp_path / "off", values) if m["kind"] == "PrometheusRule"
    ]
    values["metrics"]["prometheusRule"] = {"enabled": True, "labels": {"release": "monitoring"}}
    manifests = render_chart(helm, tmp_path / "on", values)
    [rule] = [m for m in manifests if m["kind"] == "PrometheusRule"]
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["metadata"]["labels"]["release"] == "monitoring"
    # The ServiceMonitor's targets are labelled with the staff Service's name as their job.
    [monitor] = [m for m in manifests if m["kind"] == "ServiceMonitor"]
    [staff] = [
        m
        for m in manifests
        if m["kind"] == "Service"
        and monitor["spec"]["selector"]["matchLabels"].items() <= m["metadata"]["labels"].items()
    ]
    job = staff["metadata"]["name"]
    expected = RULES.read_text(encoding="utf-8").replace('job="perimeter"', f'job="{job}"')
    assert rule["spec"]["groups"] == yaml.safe_load(expected)["groups"]
    rendered = tmp_path / "rendered.yml"
    rendered.write_text(yaml.safe_dump(rule["spec"]), encoding="utf-8")
    result = run(promtool, "check", "rules", str(rendered))
    assert result.returncode == 0, result.stdout + result.stderr
