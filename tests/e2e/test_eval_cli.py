"""`perimeter eval`: the real engine on real cases; malformed input names the case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.evaluation.cases import CaseFileError, load_cases
from rag.documents import discover, load_document
from tests.conftest import BANK, CASES, KB_DIR


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PERIMETER_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=900,
        check=False,
    )


def test_shipped_cases_are_valid_and_cover_the_kinds() -> None:
    cases = load_cases(CASES)
    assert len(cases) >= 40
    routes = {c.expect.route for c in cases}
    assert {"answer", "handoff", "smalltalk", "out_of_scope"} <= routes
    assert any(c.turns for c in cases), "follow-ups"
    assert sum(1 for c in cases if c.text and c.text.isascii()) >= 4, "English"
    kb_ids = {load_document(path).doc_id for path in discover(KB_DIR)}
    for case in cases:
        assert set(case.expect.sources) <= kb_ids, case.id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "- id: a\n  text: hi\n  turns: [x]\n  customer: null\n  expect: {route: smalltalk}",
            "case #1 (a)",
        ),
        (
            "- id: ok\n  text: hi\n  expect: {route: smalltalk}\n- id: bad\n  text: x\n"
            "  expect: {route: teleport}",
            "case #2 (bad)",
        ),
        ("- id: a\n  text: hi\n  expect: {route: smalltalk, colour: red}", "colour"),
        ("{not: a list}", "expected a list"),
        ("- id: a\n  text: [unclosed", "not valid YAML"),
    ],
)
def test_malformed_cases_name_the_case(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(content)
    with pytest.raises(CaseFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_cases(path)


def test_cli_rejects_malformed_cases_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("- id: x\n  expect: {route: answer}\n")
    result = run_cli("eval", str(path), "--kb", str(KB_DIR))
    assert result.returncode == 2
    assert "case #1 (x)" in result.stderr


def test_eval_refuses_to_act_on_the_configured_abs_unless_told(tmp_path: Path) -> None:
    """Security review M10: without bank data the cases would log in and block cards at
    whatever ABS the settings name."""
    path = tmp_path / "cases.yaml"
    path.write_text("- id: x\n  text: какой у меня баланс?\n  expect: {route: action}\n")
    result = run_cli("eval", str(path), "--kb", str(KB_DIR))
    assert result.returncode == 2
    assert "--bank-data" in result.stderr and "block cards" in result.stderr


@pytest.mark.llm
def test_eval_runs_the_real_engine_and_writes_json(tmp_path: Path, test_gguf: Path) -> None:
    cases = [
        {
            "id": "fees",
            "text": "Сколько стоит обслуживание дебетовой карты?",
            "customer": None,
            "expect": {
                "route": "answer",
                "action": None,
                "sources": ["cards-debit-fees", "faq-popular"],
                "contains": ["99"],
                "not_contains": [],
            },
        },
        {
            "id": "hello",
            "text": "Привет!",
            "customer": None,
            "expect": {
                "route": "smalltalk",
                "action": None,
                "sources": [],
                "contains": [],
                "not_contains": [],
            },
        },
        {
            "id": "human",
            "turns": ["Привет", "позовите оператора"],
            "customer": None,
            "expect": {
                "route": "handoff",
                "action": None,
                "sources": [],
                "contains": [],
                "not_contains": [],
            },
        },
        {
            "id": "balance",
            "text": "какой у меня баланс?",
            "customer": "c-2001",
            "expect": {
                "route": "action",
                "action": "check_balance",
                "sources": [],
                "contains": [],
                "not_contains": [],
            },
        },
    ]
    cases_file = tmp_path / "cases.yaml"
    cases_file.write_text(yaml.safe_dump(cases, allow_unicode=True))
    out = tmp_path / "out.json"
    result = run_cli(
        "eval",
        str(cases_file),
        "--kb",
        str(KB_DIR),
        "--bank-data",
        str(BANK),
        "--json",
        str(out),
        env={
            "PERIMETER_LLM__BACKEND": "llamacpp",
            "PERIMETER_LLM__GGUF_PATH": str(test_gguf),
            "PERIMETER_LLM__MAX_TOKENS": "64",
            "PERIMETER_LLM__TEMPERATURE": "0",
            "PERIMETER_DATA_DIR": str(tmp_path / "unused"),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text())
    by_id = {c["id"]: c for c in report["cases"]}
    assert set(by_id["fees"]) == {
        "id",
        "passed",
        "route",
        "action",
        "expected_route",
        "sources",
        "reply",
        "latency_ms",
        "failures",
        "curated",
        "quoted",
    }
    assert by_id["hello"]["passed"] and by_id["human"]["passed"]
    assert by_id["fees"]["route"] == "answer"
    # The sample KB's curated FAQ answers this one as written, without the model, citing the
    # entry and the document that states its figures.
    assert by_id["fees"]["curated"]
    assert by_id["fees"]["sources"] == ["faq-popular", "cards-debit-fees"]
    assert "99" in by_id["fees"]["reply"]
    assert by_id["balance"]["passed"]  # from the sandbox ABS seeded with the demo bank
    summary = report["summary"]
    assert summary["total"] == 4
    assert summary["handoff_recall"] == 1.0
    assert summary["faq_answers"] == 1 and summary["faq_correct"] == 1
    assert 0 < summary["latency_p50_ms"] <= summary["latency_p95_ms"]
    assert set(summary) >= {
        "route_accuracy",
        "source_hit_rate",
        "contains_rate",
        "handoff_precision",
        "containment_rate",
    }
    assert "summary (cases):" in result.stdout and "fees" in result.stdout
    assert report["confusion"]["smalltalk"] == {"smalltalk": 1}
    assert not (tmp_path / "unused" / "qdrant").exists(), "eval indexes into a fresh store"


def test_eval_with_bank_data_seeds_a_sandbox_and_runs_cases_as_the_customer(
    tmp_path: Path,
) -> None:
    """Account cases need no model: the server is pointed at a closed port on purpose."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        yaml.safe_dump(
            [
                {
                    "id": "as-customer",
                    "text": "какой у меня баланс?",
                    "customer": "c-2001",
                    "expect": {
                        "route": "action",
                        "action": "check_balance",
                        "contains": ["48 210,75"],
                    },
                },
                {
                    "id": "anonymous",
                    "text": "какой у меня баланс?",
                    "customer": None,
                    "expect": {"route": "auth_required", "not_contains": ["48210"]},
                },
                {
                    "id": "wrong-action",
                    "text": "когда следующий платёж по кредиту?",
                    "customer": "c-2001",
                    "expect": {"route": "action", "action": "check_balance"},
                },
            ],
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    result = run_cli(
        "eval",
        str(cases),
        "--kb",
        str(KB_DIR),
        "--bank-data",
        str(KB_DIR.parent / "bank.json"),
        "--json",
        str(out),
        env={
            "PERIMETER_LLM__BACKEND": "openai",
            "PERIMETER_LLM__OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "PERIMETER_LLM__MODEL": "unused",
            "PERIMETER_INTENTS_FILE": str(KB_DIR.parent / "intents" / "account.yaml"),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    passed = {c["id"]: (c["passed"], c["action"]) for c in report["cases"]}
    assert passed == {
        "as-customer": (True, "check_balance"),
        "anonymous": (True, None),
        "wrong-action": (False, "next_payment"),
    }
    assert report["summary"]["action_accuracy"] == 0.5
    assert "sandbox ABS seeded from" in result.stdout


@pytest.mark.llm
def test_eval_compares_sets_side_by_side_and_runs_a_quick_subset(
    tmp_path: Path, test_gguf: Path
) -> None:
    def case(name: str, text: str, route: str) -> dict[str, object]:
        expect = {"route": route, "action": None, "sources": [], "contains": [], "not_contains": []}
        return {"id": name, "text": text, "customer": None, "expect": expect}

    sets = {
        "bank-a": [
            case("hi-1", "Привет!", "smalltalk"),
            case("hi-2", "Здравствуйте", "smalltalk"),
            case("human", "позовите оператора", "handoff"),
        ],
        "bank-b": [case("hi", "Добрый день", "smalltalk"), case("op", "живой человек", "handoff")],
    }
    for name, cases in sets.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "cases.yaml").write_text(yaml.safe_dump(cases, allow_unicode=True))
        (folder / "kb").symlink_to(KB_DIR)
    out = tmp_path / "out.json"
    result = run_cli(
        "eval",
        str(tmp_path / "bank-a"),
        str(tmp_path / "bank-b"),
        "--per-route",
        "1",
        "--against-configured-abs",  # no bank data: these cases never reach an ABS
        "--json",
        str(out),
        env={
            "PERIMETER_LLM__BACKEND": "llamacpp",
            "PERIMETER_LLM__GGUF_PATH": str(test_gguf),
            "PERIMETER_DATA_DIR": str(tmp_path / "unused"),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    reports = json.loads(out.read_text())["sets"]
    assert [c["id"] for c in reports["bank-a"]["cases"]] == ["hi-1", "human"], "one per route"
    assert reports["bank-b"]["summary"]["passed"] == 2
    table = result.stdout.split("measure", 1)[1]
    assert "bank-a" in table.splitlines()[0] and "bank-b" in table.splitlines()[0]
    assert "wrong_fact_rate" in table and "route_accuracy" in table


def test_set_folders_and_a_cases_file_do_not_mix(tmp_path: Path) -> None:
    result = run_cli("eval", str(KB_DIR.parent / "eval"), "--kb", str(KB_DIR))
    assert result.returncode == 2 and "--kb" in result.stderr
    result = run_cli("eval", str(tmp_path))
    assert result.returncode == 2 and "no cases.yaml" in result.stderr
