"""The personal-data detector on a labelled set: recall and precision per kind, and its cost.

    python benchmarks/pii.py [evals/pii/snippets.yaml]

The set (``evals/pii``) was written blind, by someone who had not seen the detector's rules;
it is measured here, never tuned on. A labelled value counts as **found** when a finding of
its kind overlaps it, and as **hidden** when findings of any kind cover every one of its
letters and digits (what matters for redaction). A finding is **right** when it overlaps a
labelled value of its kind.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.privacy.detector import PiiDetector  # noqa: E402
from bot.privacy.kinds import Finding, PiiKind  # noqa: E402
from bot.privacy.words import NameTagger  # noqa: E402

DEFAULT_SET = ROOT / "evals" / "pii" / "snippets.yaml"


def _spans(text: str, value: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(value)
    while at >= 0:
        spans.append((at, at + len(value)))
        at = text.find(value, at + 1)
    return spans


def _overlaps(a: tuple[int, int], b: Finding) -> bool:
    return a[0] < b.end and b.start < a[1]


def _hidden(text: str, span: tuple[int, int], found: list[Finding]) -> bool:
    return all(
        any(f.start <= i < f.end for f in found)
        for i in range(span[0], span[1])
        if text[i].isalnum()
    )


def measure(snippets: list[dict[str, Any]], detector: PiiDetector) -> dict[str, Any]:
    labelled: Counter[str] = Counter()
    found_right: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    right: Counter[str] = Counter()
    clean_touched = clean = 0
    seconds: list[float] = []
    missed: list[str] = []
    for snippet in snippets:
        text = snippet["text"]
        started = time.perf_counter()
        found = detector.find(text)
        seconds.append(time.perf_counter() - started)
        labels = [
            (item["type"], span)
            for item in snippet.get("pii") or []
            for span in _spans(text, item["value"])[:1]
        ]
        if not labels:
            clean += 1
            clean_touched += bool(found)
        for kind, span in labels:
            labelled[kind] += 1
            if any(f.kind.value == kind and _overlaps(span, f) for f in found):
                found_right[kind] += 1
            else:
                missed.append(f"{kind}: {text[span[0] : span[1]]!r}")
            hidden[kind] += _hidden(text, span, found)
        for f in found:
            findings[f.kind.value] += 1
            right[f.kind.value] += any(
                kind == f.kind.value and _overlaps(span, f) for kind, span in labels
            )
    return {
        "labelled": labelled,
        "found": found_right,
        "hidden": hidden,
        "findings": findings,
        "right": right,
        "clean": clean,
        "clean_touched": clean_touched,
        "seconds": seconds,
        "missed": missed,
    }


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SET
    snippets = yaml.safe_load(path.read_text(encoding="utf-8"))
    detector = PiiDetector(names=NameTagger())
    detector.find("прогрев: меня зовут Анна")  # loads the NER once, outside the timings
    result = measure(snippets, detector)
    print(f"personal-data detector on {path.relative_to(ROOT)}: {len(snippets)} snippets")
    print(
        f"{'kind':10} {'labelled':>8} {'recall':>7} {'hidden':>7} {'findings':>8} {'precision':>9}"
    )
    for kind in PiiKind:
        name = kind.value
        n, f = result["labelled"][name], result["findings"][name]
        recall = result["found"][name] / n if n else float("nan")
        hidden = result["hidden"][name] / n if n else float("nan")
        precision = result["right"][name] / f if f else float("nan")
        print(f"{name:10} {n:8} {recall:7.2f} {hidden:7.2f} {f:8} {precision:9.2f}")
    total_n = sum(result["labelled"].values())
    total_f = sum(result["findings"].values())
    print(
        f"{'all':10} {total_n:8} {sum(result['found'].values()) / total_n:7.2f} "
        f"{sum(result['hidden'].values()) / total_n:7.2f} {total_f:8} "
        f"{sum(result['right'].values()) / total_f:9.2f}"
    )
    print(
        f"snippets without personal data: {result['clean']}, "
        f"of them with a finding: {result['clean_touched']}"
    )
    ms = [s * 1000 for s in result["seconds"]]
    print(f"time per snippet: median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms")
    if "--missed" in sys.argv:
        print("\n".join(result["missed"]))


if __name__ == "__main__":
    main()
