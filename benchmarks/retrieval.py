"""Retrieval quality and speed per embedding backend, side by side in one run.

    python benchmarks/retrieval.py [--cases examples/eval/cases.yaml] [--kb examples/kb]

For every backend: index the KB into a fresh local Qdrant, then for every eval case that
expects an answer measure hit@1, hit@5 and MRR against its expected sources; print the top-1
score distribution of answerable vs unanswerable questions (which is what the confidence
threshold `PERIMETER_RETRIEVAL__MIN_SCORE` is chosen from), embedding throughput, and search
latency p50/p95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.evaluation.cases import load_cases
from rag.embeddings import build_embeddings
from rag.ingest import Ingestor
from rag.store import KnowledgeStore, open_client


def _pct(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def run(
    backend: str, cases_path: Path, kb: Path, model_path: Path | None
) -> dict[str, float | str]:
    cases = load_cases(cases_path)
    embeddings = build_embeddings(backend, model_path)
    t0 = time.perf_counter()
    embeddings.load()
    load_s = time.perf_counter() - t0
    sample = ["Обслуживание дебетовой карты стоит 99 рублей в месяц."] * 64
    t0 = time.perf_counter()
    embeddings.embed_documents(sample)
    per_s = len(sample) / (time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(open_client(url=None, path=Path(tmp)), "bench", embeddings)
        report = Ingestor(store).ingest_dir(kb)
        hits1 = hits5 = 0
        rr: list[float] = []
        answerable: list[float] = []
        unanswerable: list[float] = []
        latencies: list[float] = []
        for case in cases:
            query = " ".join(case.messages[-2:]) if len(case.messages) > 1 else case.messages[0]
            t0 = time.perf_counter()
            found = store.search(query, 5)
            latencies.append((time.perf_counter() - t0) * 1000)
            top = found[0].score if found else 0.0
            if case.expect.route == "answer" and case.expect.sources:
                answerable.append(top)
                ranked = list(dict.fromkeys(h.doc_id for h in found))
                rank = next((i for i, d in enumerate(ranked, 1) if d in case.expect.sources), None)
                hits1 += rank == 1
                hits5 += rank is not None
                rr.append(1 / rank if rank else 0.0)
            elif case.expect.route == "handoff" and not any(
                w in case.messages[-1].lower() for w in ("оператор", "человек")
            ):
                unanswerable.append(top)
        store.close()
    n = len(rr)
    return {
        "backend": backend,
        "dim": len(embeddings.embed_query("x")),
        "load_s": round(load_s, 2),
        "embed_per_s": round(per_s, 1),
        "ingest_chunks_per_s": round(report.chunks_per_second, 1),
        "hit@1": round(hits1 / n, 3),
        "hit@5": round(hits5 / n, 3),
        "mrr": round(sum(rr) / n, 3),
        "answerable_top1_min": round(min(answerable), 3),
        "answerable_top1_p10": round(_pct(answerable, 10), 3),
        "unanswerable_top1_max": round(max(unanswerable), 3) if unanswerable else float("nan"),
        "unanswerable_top1_p50": round(_pct(unanswerable, 50), 3) if unanswerable else float("nan"),
        "search_p50_ms": round(_pct(latencies, 50), 1),
        "search_p95_ms": round(_pct(latencies, 95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=Path("examples/eval/cases.yaml"))
    parser.add_argument("--kb", type=Path, default=Path("examples/kb"))
    parser.add_argument("--backends", default="use,e5")
    parser.add_argument(
        "--st-model",
        type=Path,
        default=None,
        help="local sentence-transformers model dir for the 'sentence_transformers' backend",
    )
    args = parser.parse_args()
    rows = [run(b, args.cases, args.kb, args.st_model) for b in args.backends.split(",")]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    print(f"{'':<{width}}  " + "  ".join(f"{r['backend']!s:>14}" for r in rows))
    for key in keys[1:]:
        print(f"{key:<{width}}  " + "  ".join(f"{r[key]!s:>14}" for r in rows))


if __name__ == "__main__":
    main()
