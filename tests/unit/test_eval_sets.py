"""Every evaluation set is well formed: its cases load, cite documents its knowledge base has,
and log in customers its bank has (the sets' authors checked this too; this keeps it true)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluation.cases import load_cases
from bot.evaluation.sets import from_folder, per_route
from rag.documents import discover, load_document

ROOT = Path(__file__).resolve().parents[2]
# The dialogue sets (evals/pii is the personal-data detector's, measured by benchmarks/pii.py).
SETS = [ROOT / "examples" / "eval", *sorted((ROOT / "evals").glob("holdout-*"))]


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_a_set_is_whole(folder: Path) -> None:
    evaluation = from_folder(folder)
    cases = load_cases(evaluation.cases)
    documents = {load_document(path).doc_id for path in discover(evaluation.kb.resolve())}
    cited = {source for case in cases for source in case.expect.sources}
    assert cited <= documents, f"cases cite documents the kb lacks: {sorted(cited - documents)}"
    customers = set()
    if evaluation.bank is not None:
        bank = json.loads(evaluation.bank.read_text(encoding="utf-8"))
        customers = {c["id"] for c in bank["customers"]}
    logged_in = {case.customer for case in cases if case.customer}
    assert logged_in <= customers, f"unknown customers: {sorted(logged_in - customers)}"
    routes = {case.expect.route for case in cases}
    assert {"answer", "action", "handoff", "auth_required", "out_of_scope"} <= routes


def test_a_quick_subset_keeps_every_route_in_file_order() -> None:
    cases = load_cases(SETS[0] / "cases.yaml")
    quick = per_route(cases, 2)
    assert {c.expect.route for c in quick} == {c.expect.route for c in cases}
    assert all(
        sum(c.expect.route == r for c in quick) <= 2 for r in {c.expect.route for c in quick}
    )
    assert [c.id for c in quick] == [c.id for c in cases if c in quick]
