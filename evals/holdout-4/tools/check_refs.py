"""Checks that every sources id exists in kb/ and every customer id exists in bank.json; prints counts."""
import collections, json, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, "/work/main")
from rag.documents import load_document  # noqa: E402

doc_ids = {load_document(p).doc_id for p in (ROOT / "kb").iterdir()}
cust_ids = {c["id"] for c in json.loads((ROOT / "bank.json").read_text(encoding="utf-8"))["customers"]}
cases = yaml.safe_load((ROOT / "cases.yaml").read_text(encoding="utf-8"))
errors = []
for c in cases:
    assert set(c) <= {"id", "text", "turns", "customer", "expect"}, c["id"]
    assert set(c["expect"]) == {"route", "action", "sources", "contains", "not_contains"}, c["id"]
    for s in c["expect"]["sources"]:
        if s not in doc_ids:
            errors.append(f"{c['id']}: unknown source {s}")
    if c["customer"] is not None and c["customer"] not in cust_ids:
        errors.append(f"{c['id']}: unknown customer {c['customer']}")
    e = c["expect"]
    if e["route"] == "answer" and not e["sources"]:
        errors.append(f"{c['id']}: answer without sources")
    if e["route"] == "action" and (not e["action"] or c["customer"] is None):
        errors.append(f"{c['id']}: action needs action + customer")
    if e["route"] == "auth_required" and c["customer"] is not None:
        errors.append(f"{c['id']}: auth_required must be anonymous")
print("docs:", len(doc_ids), "customers:", len(cust_ids), "cases:", len(cases))
print("routes:", dict(collections.Counter(c["expect"]["route"] for c in cases)))
print("actions:", dict(collections.Counter(c["expect"]["action"] for c in cases if c["expect"]["action"])))
ans = [c for c in cases if c["expect"]["route"] == "answer"]
print("answer multi-turn:", sum("turns" in c for c in ans),
      "answer with not_contains:", sum(bool(c["expect"]["not_contains"]) for c in ans),
      "english answers:", sum(c["id"].startswith("kb-en") for c in ans))
print("sources used:", sorted({s for c in ans for s in c["expect"]["sources"]}))
print("unused docs:", sorted(doc_ids - {s for c in ans for s in c["expect"]["sources"]}))
print("ERRORS:", errors if errors else "none")
sys.exit(1 if errors else 0)
