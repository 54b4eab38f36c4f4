"""Retrieval quality and speed per embedding backend and retrieval mode, side by side.

    python benchmarks/retrieval.py [--cases examples/eval/cases.yaml] [--kb examples/kb]
                                   [--backends use,e5] [--modes dense,sparse,hybrid]

For every backend: index the KB once into a fresh local Qdrant (dense vectors and the
lexical sparse vectors), then for every mode — dense only, sparse (Russian lemmas, English
stems, IDF) only, and hybrid (both fused by reciprocal rank fusion) — and every eval case
that expects an answer measure hit@1, hit@5 and MRR against its expected sources. Also the
top-1 score distribution of answerable vs unanswerable questions (what the confidence
threshold `PERIMETER_RETRIEVAL__MIN_SCORE` is chosen from; the dense cosine in dense and
hybrid modes), embedding throughput, and search latency p50/p95.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.evaluation.cases import load_cases
from rag.embeddings import build_embeddings
from rag.ingest import Ingestor
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, RetrievalMode, open_client


def _pct(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def run(
    backend: str, modes: list[str], cases_path: Path, kb: Path, model_path: Path | None
) -> list[dict[str, float | str]]:
    cases = load_cases(cases_path)
    embeddings = build_embeddings(backend, model_path)
    t0 = time.perf_counter()
    embeddings.load()
    load_s = time.perf_counter() - t0
    sample = ["Обслуживание дебетовой карты стоит 99 рублей в месяц."] * 64
    t0 = time.perf_counter()
    embeddings.embed_documents(sample)
    per_s = len(sample) / (time.perf_counter() - t0)
    rows: list[dict[str, float | str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(
            open_client(url=None, path=Path(tmp)), "bench", embeddings, LexicalSparseEmbeddings()
        )
        report = Ingestor(store).ingest_dir(kb)
        for mode in modes:
            row = _measure(store, RetrievalMode(mode), cases)
            rows.append(
                {
                    "run": f"{backend}/{mode}",
                    "dim": len(embeddings.embed_query("x")),
                    "load_s": round(load_s, 2),
                    "embed_per_s": round(per_s, 1),
                    "ingest_chunks_per_s": round(report.chunks_per_second, 1),
                    **row,
                }
            )
        store.close()
    return rows


def _measure(store: KnowledgeStore, mode: RetrievalMode, cases: list[Any]) -> dict[str, float]:
    hits1 = hits5 = 0
    rr: list[float] = []
    answerable: list[float] = []
    unanswerable: list[float] = []
    latencies: list[float] = []
    for case in cases:
        query = " ".join(case.messages[-2:]) if len(case.messages) > 1 else case.messages[0]
        t0 = time.perf_counter()
        found = store.search(query, 5, mode)
        latencies.append((time.perf_counter() - t0) * 1000)
        top = max((h.score for h in found), default=0.0)
        if case.expect.route == "answer" and case.expect.sources:
            answerable.append(top)
            ranked = list(dict.fromkeys(h.doc_id for h in found))
            rank = next((i for i, d in enumerate(ranked, 1) if d in case.expect.sources), None)
            hits1 += rank == 1
            hits5 += rank is not None
            rr.append(1 / rank if rank else 0.0)
        elif case.id.startswith("nokb-"):
            unanswerable.append(top)
    n = len(rr)
    return {
        "cases": n,
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
    parser.add_argument("--modes", default="dense,sparse,hybrid")
    parser.add_argument(
        "--st-model",
        type=Path,
        default=None,
        help="local sentence-transformers model dir for the 'sentence_transformers' backend",
    )
    args = parser.parse_args()
    modes = args.modes.split(",")
    rows = [
        row
        for backend in args.backends.split(",")
        for row in run(backend, modes, args.cases, args.kb, args.st_model)
    ]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    print(f"{'':<{width}}  " + "  ".join(f"{r['run']!s:>14}" for r in rows))
    for key in keys[1:]:
        print(f"{key:<{width}}  " + "  ".join(f"{r[key]!s:>14}" for r in rows))


if __name__ == "__main__":
    main()
