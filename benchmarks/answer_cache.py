"""Where the answer cache's similarity threshold comes from, and what it saves.

    python benchmarks/answer_cache.py [--set examples/cache/paraphrases.yaml ...]

A paraphrase set (``examples/cache/paraphrases.yaml``, the tuning set; the blind one is
``evals/cache-holdout/paraphrases.yaml``) holds groups of questions with one answer each, and
near-misses: questions in the same words whose answer differs. With the knowledge base's own
dense model (and the engine's spelling normalisation), for each candidate threshold and every
ordered pair of questions (one answered and cached, the other asked later), through the real
:class:`rag.cache.AnswerCache` (language and figures guards included):

* hit rate: a paraphrase of a cached question gets its answer;
* false hits: a near-miss, or a question of another group, gets a cached answer that is not
  its own (the cache would give a wrong answer);

then the curated FAQ's answers to every question of the set (paraphrases and near-misses),
by the rule of ``GroundedAnswerer.faq_hit`` (an entry's phrasings, the knowledge base's terms)
and by the rule it replaced (the entry as a whole, phrasings and answer, at cosine 0.6): how
many it answers, and how many of those state other figures than the expected answer's (a
wrong answer; an answer without figures is not judged);

then, for the chosen threshold, the share of a stream of customers' questions answered without
the model writing (curated FAQ or cache) — the set's questions asked in order, each group's
first question written by the model and kept, over the set's own knowledge base with its FAQ.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.dialogue import spelling  # noqa: E402
from integrations.llm import ScriptedChatModel  # noqa: E402
from rag.answering import GroundedAnswerer  # noqa: E402
from rag.cache import AnswerCache, CachePolicy  # noqa: E402
from rag.embeddings import UniversalSentenceEncoderEmbeddings  # noqa: E402
from rag.ingest import Ingestor  # noqa: E402
from rag.sparse import LexicalSparseEmbeddings  # noqa: E402
from rag.store import KnowledgeStore, ScoredChunk, open_client  # noqa: E402
from rag.vocabulary import Vocabulary  # noqa: E402

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    group: str  # whose answer is right for it
    near_miss_of: str | None = None
    answer: str = ""  # the fact that answers it


def load(path: Path) -> tuple[list[list[Question]], list[Question], Path]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups: list[list[Question]] = []
    near: list[Question] = []
    for group in data["groups"]:
        lang, gid = group["lang"], group["id"]
        asked = [group["question"], *group["paraphrases"]]
        groups.append([Question(t, lang, gid, answer=group["answer"]) for t in asked])
        for miss in group.get("near_misses") or []:
            near.append(
                Question(
                    miss["text"], lang, f"{gid}~{miss['text']}", gid, answer=str(miss["answer"])
                )
            )
    kb = ROOT / data.get("kb", "examples/kb")
    return groups, near, kb


def chunk(group: str) -> ScoredChunk:
    return ScoredChunk(group, group, None, group, None, 1.0, {"content_hash": "v"})


class Vectors:
    """Each question embedded once, as the engine would search it (spelling normalised)."""

    def __init__(self, embed: UniversalSentenceEncoderEmbeddings) -> None:
        self.embed = embed
        self._known: dict[str, list[float]] = {}

    def __call__(self, text: str) -> list[float]:
        if text not in self._known:
            self._known[text] = self.embed.embed_query(spelling.normalize(text))
        return self._known[text]


def pairs(
    threshold: float,
    groups: list[list[Question]],
    near: list[Question],
    vectors: Vectors,
    texts: list[str],
) -> dict[str, int]:
    counts = dict.fromkeys(("paraphrase", "hit", "other", "other_false", "near", "near_false"), 0)
    every = [q for g in groups for q in g]
    for stored in every:
        cache = AnswerCache(
            vectors,
            lambda _doc: "v",
            Vocabulary(lambda: texts),
            CachePolicy(min_similarity=threshold),
        )
        cache.store(stored.text, stored.lang, stored.group, [chunk(stored.group)])
        for asked in every:
            if asked is stored:
                continue
            found = cache.lookup(asked.text, asked.lang)
            if asked.group == stored.group:
                counts["paraphrase"] += 1
                counts["hit"] += found is not None
            else:
                counts["other"] += 1
                counts["other_false"] += found is not None
        for asked in near:
            if asked.near_miss_of != stored.group:
                continue
            counts["near"] += 1
            counts["near_false"] += cache.lookup(asked.text, asked.lang) is not None
    return counts


def indexed(kb: Path, embed: UniversalSentenceEncoderEmbeddings, where: Path) -> KnowledgeStore:
    store = KnowledgeStore(
        open_client(url=None, path=where), "kb", embed, LexicalSparseEmbeddings()
    )
    Ingestor(store).ingest_dir(kb)
    return store


def stream(
    threshold: float,
    groups: list[list[Question]],
    store: KnowledgeStore,
    embed: UniversalSentenceEncoderEmbeddings,
) -> dict[str, int]:
    """The set's questions in order (group by group): FAQ, cache, or written (then kept)."""
    vocabulary = Vocabulary(store.texts)
    faq = GroundedAnswerer(store, ScriptedChatModel(reply=""), vocabulary=vocabulary)
    cache = AnswerCache(
        embed.embed_query, lambda _doc: "v", vocabulary, CachePolicy(min_similarity=threshold)
    )
    counts = dict.fromkeys(("asked", "faq", "cache", "written", "wrong"), 0)
    for question in itertools.chain.from_iterable(groups):
        query = spelling.normalize(question.text)
        counts["asked"] += 1
        if faq.faq_hit(query, store.search(query, 6)) is not None:
            counts["faq"] += 1
            continue
        found = cache.lookup(query, question.lang)
        if found is not None:
            counts["cache"] += 1
            counts["wrong"] += found.text != question.group
            continue
        counts["written"] += 1
        cache.store(query, question.lang, question.group, [chunk(question.group)])
    return counts


_DIGITS = re.compile(r"\d+")


def numbers(text: str) -> set[str]:
    """The numbers of ``text``, thousands joined: «100 000 ₽» is 100000."""
    return set(_DIGITS.findall(re.sub(r"(?<=\d)[\s\u00a0](?=\d{3})", "", text)))


def faq_answers(
    groups: list[list[Question]], near: list[Question], store: KnowledgeStore
) -> dict[str, dict[str, int]]:
    """How the FAQ answers every question of the set, by the product's rule and the old one."""
    answerer = GroundedAnswerer(store, ScriptedChatModel(reply=""))

    def whole_entry(query: str, found: list[ScoredChunk]) -> ScoredChunk | None:
        first = next((c for c in found if (c.metadata or {}).get("faq_id")), None)
        return first if first is not None and first.score >= 0.6 else None

    rules = {
        "phrasings and terms (now)": answerer.faq_hit,
        "the entry as a whole at 0.6 (before)": whole_entry,
    }
    counts = {rule: dict.fromkeys(("asked", "answered", "right", "wrong"), 0) for rule in rules}
    for question in [*itertools.chain.from_iterable(groups), *near]:
        query = spelling.normalize(question.text)
        found = store.search(query, 6)
        expected = numbers(question.answer)
        for rule, hit in rules.items():
            counts[rule]["asked"] += 1
            entry = hit(query, found)
            if entry is None:
                continue
            given = numbers(str((entry.metadata or {}).get("answer", "")))
            counts[rule]["answered"] += 1
            counts[rule]["right"] += bool(expected) and expected <= given
            counts[rule]["wrong"] += bool(expected) and bool(given) and not expected <= given
    return counts


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        action="append",
        type=Path,
        help="paraphrase sets (default: the tuning set and the blind one)",
    )
    parser.add_argument("--chosen", type=float, default=CachePolicy().min_similarity)
    args = parser.parse_args()
    sets = (
        [p.resolve() for p in args.set]
        if args.set
        else [
            ROOT / "examples/cache/paraphrases.yaml",
            ROOT / "evals/cache-holdout/paraphrases.yaml",
        ]
    )
    embed = UniversalSentenceEncoderEmbeddings()
    vectors = Vectors(embed)
    for path in sets:
        groups, near, kb = load(path)
        with tempfile.TemporaryDirectory() as tmp:
            store = indexed(kb, embed, Path(tmp))
            report(path, groups, near, kb, store, vectors, args.chosen)
            store.close()


def report(
    path: Path,
    groups: list[list[Question]],
    near: list[Question],
    kb: Path,
    store: KnowledgeStore,
    vectors: Vectors,
    chosen: float,
) -> None:
    texts = store.texts()
    n = sum(len(g) for g in groups)
    print(
        f"\n== {path.relative_to(ROOT)}: {len(groups)} groups, {n} questions,"
        f" {len(near)} near-misses (kb {kb.relative_to(ROOT)})"
    )
    print("threshold  paraphrase-hit  near-miss-false  other-group-false")
    for threshold in THRESHOLDS:
        c = pairs(threshold, groups, near, vectors, texts)
        print(
            f"{threshold:9.2f}  {share(c['hit'], c['paraphrase']):>14}"
            f"  {share(c['near_false'], c['near']):>15}"
            f"  {share(c['other_false'], c['other']):>17}"
            f"   ({c['hit']}/{c['paraphrase']}, {c['near_false']}/{c['near']},"
            f" {c['other_false']}/{c['other']})"
        )
    for rule, counts in faq_answers(groups, near, store).items():
        print(
            f"FAQ, {rule}: answers {counts['answered']} of {counts['asked']},"
            f" with the expected figures {counts['right']}, with other figures {counts['wrong']}"
        )
    s = stream(chosen, groups, store, vectors.embed)
    print(
        f"stream at {chosen:.2f}: {s['asked']} asked, FAQ {s['faq']}, cache {s['cache']}"
        f" (wrong {s['wrong']}), written {s['written']};"
        f" without writing {share(s['faq'] + s['cache'], s['asked'])}"
    )


if __name__ == "__main__":
    main()
