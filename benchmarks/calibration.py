"""Where the answer gate's thresholds come from, and whether the careful reader's rerank helps.

    python benchmarks/calibration.py [SET ...] [--top-k 6] [--backend use]

For each evaluation set (a folder with cases.yaml and kb/; default: examples/eval and every
evals/holdout-*): index its knowledge base into a fresh local Qdrant (hybrid: dense + lexical),
then for every case ask the search (the last turn; a follow-up is joined to the turn before, as
the engine does) and read the passages (``rag.reading``). It prints, for questions the set
expects answered and for the ones it expects handed off or refused:

* the distribution of the top dense score (the ``min_score`` gate) and of the reader's
  coverage (the ``min_coverage`` gate and the ``quote_coverage`` for quotes);
* for candidate thresholds, the share of each group that passes — answerable questions should
  pass, the others should not;
* hit@1 of the right document in the search's order against the reader's order (the passage
  holding the best line first): what the rerank gains;
* how often the expected figure stands in the passages the model reads
  (``GroundedAnswerer.context``), and in the first line (and the first three) it is shown as
  the lines that answer the question;
* the intent classifier's best account-intent similarity for the set's account questions
  (expected action or login) against its knowledge questions (``intent_threshold``,
  ``intent_clarify_threshold``).

Only aggregates are printed: the holdout sets stay blind.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.dialogue import spelling
from bot.dialogue.accounts import ACCOUNT_ACTIONS
from bot.dialogue.routing import is_follow_up
from bot.evaluation.cases import load_cases
from bot.evaluation.sets import from_folder
from integrations.llm import ScriptedChatModel
from rag.answering import GroundedAnswerer
from rag.embeddings import build_embeddings
from rag.ingest import Ingestor
from rag.reading import read
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client

ROOT = Path(__file__).resolve().parents[1]


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def _query(messages: list[str]) -> str:
    text = messages[-1]
    if len(messages) > 1 and is_follow_up(text):
        return spelling.normalize(f"{messages[-2]} {text}")
    return spelling.normalize(text)


def _quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=20, method="inclusive")
    return f"p10 {q[1]:.2f}  p25 {q[4]:.2f}  p50 {q[9]:.2f}  p75 {q[14]:.2f}  (n={len(values)})"


def _passing(values: list[float], threshold: float) -> str:
    return f"{sum(v >= threshold for v in values) / len(values):.2f}" if values else "n/a"


def intents(folder: Path, backend: str) -> None:
    """The account-intent classifier's best account score for messages the set expects to be
    account questions (an action, or a login first) against knowledge questions."""
    from bot.intents import EmbeddingIntentClassifier, load_intent_examples

    evaluation = from_folder(folder)
    embeddings = build_embeddings(backend, None)
    classifier = EmbeddingIntentClassifier(
        load_intent_examples(ROOT / "examples" / "intents" / "account.yaml"), embeddings
    )
    classifier.load()
    best: dict[str, list[float]] = {"account": [], "knowledge": []}
    for case in load_cases(evaluation.cases):
        route = case.expect.route
        group = {"action": "account", "auth_required": "account", "answer": "knowledge"}.get(route)
        if group is None:
            continue
        scores = classifier.scores(spelling.normalize(case.messages[-1]))
        best[group].append(max(v for k, v in scores.items() if k in ACCOUNT_ACTIONS))
    print(f"  intents: best account-intent similarity ({evaluation.name})")
    for group in ("account", "knowledge"):
        print(f"    {group:<9} {_quantiles(best[group])}")
    for threshold in (0.55, 0.62, 0.7):
        print(
            f"    >= {threshold:.2f}:  account {_passing(best['account'], threshold)} / "
            f"knowledge {_passing(best['knowledge'], threshold)}"
        )


def calibrate(folder: Path, backend: str, top_k: int) -> None:
    evaluation = from_folder(folder)
    cases = load_cases(evaluation.cases)
    embeddings = build_embeddings(backend, None)
    embeddings.load()
    dense: dict[str, list[float]] = {"answer": [], "other": []}
    coverage: dict[str, list[float]] = {"answer": [], "other": []}
    hits_search = hits_reader = judged = 0
    line_at_1 = line_at_3 = in_context = with_figure = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(
            open_client(url=None, path=Path(tmp)),
            "calibrate",
            embeddings,
            LexicalSparseEmbeddings(),
        )
        Ingestor(store).ingest_dir(evaluation.kb.resolve())
        answerer = GroundedAnswerer(store, ScriptedChatModel(reply="-"))
        for case in cases:
            route = case.expect.route
            if route not in ("answer", "handoff", "out_of_scope"):
                continue
            group = "answer" if route == "answer" else "other"
            passages = store.search(_query(case.messages), top_k)
            reading = read(_query(case.messages), passages, store.similarities)
            top = max((p.score for p in passages), default=0.0)
            dense[group].append(top)
            coverage[group].append(reading.coverage)
            if group == "answer" and case.expect.sources and passages:
                judged += 1
                wanted = set(case.expect.sources)
                hits_search += passages[0].doc_id in wanted
                best = reading.best
                first = best.unit.passage.doc_id if best else passages[0].doc_id
                hits_reader += first in wanted
            expected = [_squash(x) for x in case.expect.contains if any(ch.isdigit() for ch in x)]
            if group == "answer" and expected:
                with_figure += 1
                lines = [_squash(line) for line in reading.prompt_lines(3)]
                line_at_1 += bool(lines) and all(x in lines[0] for x in expected)
                line_at_3 += any(all(x in line for x in expected) for line in lines)
                shown = [_squash(p.text) for p in answerer.context(passages, reading)]
                in_context += any(all(x in text for x in expected) for text in shown)
        store.close()
    print(f"\n== {evaluation.name} ({backend}, top {top_k})")
    for name, values in (("top dense score", dense), ("reader coverage", coverage)):
        print(f"  {name}")
        for group in ("answer", "other"):
            print(f"    {group:<7} {_quantiles(values[group])}")
    print("  share passing   threshold: answerable / handed off or refused")
    for threshold in (0.25, 0.3, 0.35, 0.4):
        print(
            f"    dense >= {threshold:.2f}:  "
            f"{_passing(dense['answer'], threshold)} / {_passing(dense['other'], threshold)}"
        )
    for threshold in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        print(
            f"    coverage >= {threshold:.2f}:  "
            f"{_passing(coverage['answer'], threshold)} / {_passing(coverage['other'], threshold)}"
        )
    if with_figure:
        print(
            f"  the expected figure in the passages the model reads {in_context / with_figure:.2f}"
        )
        print(
            "  the expected figure in the first line shown to the model "
            f"{line_at_1 / with_figure:.2f}, in the first three {line_at_3 / with_figure:.2f} "
            f"(n={with_figure})"
        )
    if judged:
        print(
            f"  hit@1 search order {hits_search / judged:.2f}, reader order "
            f"{hits_reader / judged:.2f} (n={judged})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--backend", default="use")
    parser.add_argument("--top-k", type=int, default=6)
    args = parser.parse_args()
    folders = args.sets or [ROOT / "examples" / "eval", *sorted((ROOT / "evals").iterdir())]
    for folder in folders:
        calibrate(folder, args.backend, args.top_k)
        intents(folder, args.backend)


if __name__ == "__main__":
    main()
