"""The embedded model's faster paths against the plain path, side by side in one run.

    python benchmarks/model_path.py [--model qwen2.5-coder-1.5b] [--rounds 1] [--questions 6]
                                    [--draft-tokens 2] [--draft]

The prompts are the ones production sends: the eval set's answer questions
(``examples/eval/cases.yaml``) go through the real answerer over the sample KB (retrieval,
reading, the prompt budget) with a scripted model that records what it is sent; the questions
it would answer without the model (curated FAQ, not confident) are left out. The operator
summary's prompt comes from the real summarizer the same way.

Each path is its own ``LlamaCppChatModel`` (the weights are mapped once and shared), called
as the answerer calls it, at temperature 0:

- plain: today's path. llama.cpp already reuses the longest common token prefix of the
  previous prompt, so its time to first token depends on what ran before:
  cold (an empty context), repeated (the previous prompt was another answer in the same
  language: the system prompt is reused) and interleaved (the previous prompt was an operator
  summary: nothing is reused);
- prefix cache: the constant prefix's KV kept in RAM and restored when the context lost it;
- prompt lookup: speculative decoding with drafts copied from the prompt;
- prefix cache + prompt lookup;
- draft model (``--draft``): the 0.5B model drafting for the 1.5B (5x slower than plain on 2
  cores, so left out unless asked for);
- 2 threads, and prompt lookup with 2 threads: llama-cpp-python decodes on half the cores
  by default (``threads = 0``) but verifies a draft on all of them, so on 2 cores prompt
  lookup also brings the second core in; these two rows tell the two gains apart.

Every path first answers a summary and one question per language to their first token: the
weights are paged in and the prefix cache is as a running server's after its first answers.
Then, per question, the paths run in a rotated order so that a noisy neighbour hits all of them
alike: for the TTFT paths a summary, then the answer in full (interleaved TTFT, tokens/s,
text), then another answer in the same language to its first token (repeated TTFT); plain also
from an empty context (cold). The other paths answer in full (tokens/s, text). Tokens/s is
all answers' tokens after their first over the time after their first (the eval's answers
are short: a per-answer rate over three tokens is noise). Besides the clock,
the model's own counts, which a busy machine cannot disturb: prompt tokens evaluated, and
answer tokens per decode call (above 1 when drafts are accepted).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from langchain_core.messages import BaseMessage  # noqa: E402

from bot.dialogue import spelling  # noqa: E402
from bot.dialogue.language import detect_language  # noqa: E402
from bot.dialogue.models import ChatTurn, Role  # noqa: E402
from bot.evaluation.cases import load_cases  # noqa: E402
from bot.operators.summary.model import ModelSummarizer  # noqa: E402
from bot.settings import Settings  # noqa: E402
from integrations.llm import ScriptedChatModel  # noqa: E402
from integrations.llm.catalog import MODELS  # noqa: E402
from integrations.llm.fetch import model_path  # noqa: E402
from integrations.llm.llamacpp import LlamaCppChatModel  # noqa: E402
from prompts import default_library  # noqa: E402
from rag.answering import AnswerPolicy, AnswerRequest, GroundedAnswerer  # noqa: E402
from rag.embeddings import UniversalSentenceEncoderEmbeddings  # noqa: E402
from rag.ingest import Ingestor  # noqa: E402
from rag.store import KnowledgeStore, open_client  # noqa: E402

KB = ROOT / "examples" / "kb"
CASES = ROOT / "examples" / "eval" / "cases.yaml"
CONTEXT_TOKENS = 4096
MAX_TOKENS = 320
DRAFT_MODEL = "qwen2.5-coder-0.5b"

Messages = list[BaseMessage]


@dataclass(frozen=True, slots=True)
class Prompt:
    case: str
    lang: str
    messages: Messages


@dataclass
class Run:
    text: str
    ttft_s: float
    tokens: int
    decode_s: float
    prompt_evaluated: int
    steps: int

    @property
    def tokens_per_s(self) -> float:
        return (self.tokens - 1) / self.decode_s if self.tokens > 1 and self.decode_s else 0.0


@dataclass
class Figures:
    ttft: dict[str, list[float]] = field(
        default_factory=lambda: {"cold": [], "repeated": [], "interleaved": []}
    )
    evaluated: dict[str, list[int]] = field(
        default_factory=lambda: {"cold": [], "repeated": [], "interleaved": []}
    )
    tokens: int = 0  # answer tokens after the first, over all answers
    decode_s: float = 0.0  # and the time they took
    answer_tokens: int = 0
    steps: int = 0
    identical: list[bool] = field(default_factory=list)
    rates: dict[int, float] = field(default_factory=dict)  # tokens/s per question


# --- prompts, as production builds them ---------------------------------------------------


def answer_prompts(count: int) -> list[Prompt]:
    """The eval set's answer questions that reach the model, ``count`` of them spread over
    the set (both languages), with the exact messages the answerer sends."""
    embeddings = UniversalSentenceEncoderEmbeddings()
    embeddings.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = KnowledgeStore(open_client(url=None, path=Path(tmp) / "q"), "kb", embeddings)
        Ingestor(store).ingest_dir(KB)
        recorder = ScriptedChatModel(reply="Ответ.")
        answerer = GroundedAnswerer(
            store,
            recorder,
            # As bot/container.py builds it for the default settings.
            AnswerPolicy(prompt_tokens=CONTEXT_TOKENS - MAX_TOKENS - 64),
            count_tokens=lambda text: len(text) // 2 + 1,
        )
        prompts: list[Prompt] = []
        for case in load_cases(CASES):
            if case.expect.route != "answer" or case.text is None:
                continue
            before = len(recorder.prompts)
            lang = detect_language(case.text)
            request = AnswerRequest(case.text, spelling.normalize(case.text), lang)
            asyncio.run(_drain(answerer.astream(request)))
            if len(recorder.prompts) > before:  # the model was asked
                prompts.append(Prompt(case.id, lang, recorder.prompts[-1]))
        store.close()
    step = max(len(prompts) / max(count, 1), 1.0)
    return [prompts[int(i * step)] for i in range(min(count, len(prompts)))]


async def _drain(stream: Any) -> None:
    async for _ in stream:
        pass


def summary_prompt() -> Messages:
    """The operator summary's messages, from the real summarizer."""
    recorder = ScriptedChatModel(reply="Клиент потерял карту и просит оператора.")
    turns = [
        ChatTurn(Role.CUSTOMER, "потерял карту что делать"),
        ChatTurn(Role.BOT, "Заблокируйте карту в приложении или по телефону 8 800 000-00-00."),
        ChatTurn(Role.CUSTOMER, "не получается, позовите оператора"),
    ]
    asyncio.run(ModelSummarizer(recorder, default_library()).summarize(turns, "ru"))
    return recorder.prompts[-1]


# --- runs ---------------------------------------------------------------------------------


def generate(model: LlamaCppChatModel, messages: Messages, max_tokens: int) -> Run:
    started = time.perf_counter()
    first: float | None = None
    pieces: list[str] = []
    for chunk in model._stream(messages, max_tokens=max_tokens):
        if first is None:
            first = time.perf_counter()
        pieces.append(chunk.text)
    end = time.perf_counter()
    text = "".join(pieces)
    stats = model.last_run
    assert stats is not None
    return Run(
        text=text,
        ttft_s=(first or end) - started,
        tokens=model.count_tokens(text) if text else 0,
        decode_s=end - (first or end),
        prompt_evaluated=stats.prompt_evaluated,
        steps=stats.steps,
    )


def forget(model: LlamaCppChatModel) -> None:
    """An empty context: nothing from an earlier prompt is reused."""
    llama = model._llama
    llama.reset()
    llama._ctx.kv_cache_clear()


def rotated(items: list[str], by: int) -> list[str]:
    by %= len(items)
    return items[by:] + items[:by]


def median(values: Iterable[float]) -> float:
    listed = list(values)
    return statistics.median(listed) if listed else float("nan")


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


# --- the comparison -----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="qwen2.5-coder-1.5b")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the questions")
    parser.add_argument("--questions", type=int, default=6, help="answer prompts per round")
    parser.add_argument("--draft-tokens", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS)
    parser.add_argument("--draft", action="store_true", help="also the 0.5B drafting (slow)")
    args = parser.parse_args()

    cache = Settings().cache_dir
    gguf = model_path(MODELS[args.model], cache)
    draft_gguf = model_path(MODELS[DRAFT_MODEL], cache)
    with_draft = args.draft and args.model != DRAFT_MODEL and draft_gguf.is_file()

    started = time.perf_counter()
    prompts = answer_prompts(args.questions)
    summary = summary_prompt()
    print(f"{args.model}, {len(prompts)} answer prompts x {args.rounds} rounds, {load_average()}")

    def make(**options: Any) -> LlamaCppChatModel:
        model = LlamaCppChatModel(
            model_path=gguf,
            n_ctx=CONTEXT_TOKENS,
            max_tokens=args.max_tokens,
            temperature=0.0,
            draft_tokens=args.draft_tokens,
            **options,
        )
        model.load()
        return model

    ttft_paths = {"plain": make(), "prefix cache": make(prefix_cache=True)}
    spec_paths = {
        "prompt lookup": make(speculative="prompt_lookup"),
        "prefix + lookup": make(prefix_cache=True, speculative="prompt_lookup"),
        "2 threads": make(n_threads=os.cpu_count()),
        "lookup, 2 threads": make(n_threads=os.cpu_count(), speculative="prompt_lookup"),
    }
    if with_draft:
        spec_paths["draft model"] = make(speculative="draft", draft_model_path=draft_gguf)
    figures = {name: Figures() for name in [*ttft_paths, *spec_paths]}
    plain = ttft_paths["plain"]
    system_tokens = plain.count_tokens(str(prompts[0].messages[0].content))
    prompt_tokens = [
        plain.count_tokens("".join(str(m.content) for m in p.messages)) for p in prompts
    ]
    # What a running server has after its first answers: the weights paged in, and the
    # prefix cache holding the summary's and each language's answer system prompt.
    firsts = {p.lang: p for p in reversed(prompts)}.values()
    for model in [*ttft_paths.values(), *spec_paths.values()]:
        for messages in [summary, *(p.messages for p in firsts)]:
            generate(model, messages, 1)

    for round_ in range(args.rounds):
        for i, prompt in enumerate(prompts):
            turn = round_ * len(prompts) + i
            same_lang = [p for p in prompts if p.lang == prompt.lang and p is not prompt]
            other = same_lang[turn % len(same_lang)] if same_lang else prompt
            texts: dict[str, str] = {}
            order = rotated([*ttft_paths, *spec_paths, "cold"], turn)
            for name in order:
                if name == "cold":
                    forget(plain)
                    run = generate(plain, prompt.messages, 1)
                    figures["plain"].ttft["cold"].append(run.ttft_s)
                    figures["plain"].evaluated["cold"].append(run.prompt_evaluated)
                elif name in ttft_paths:
                    model = ttft_paths[name]
                    generate(model, summary, 1)
                    run = generate(model, prompt.messages, args.max_tokens)
                    figures[name].ttft["interleaved"].append(run.ttft_s)
                    figures[name].evaluated["interleaved"].append(run.prompt_evaluated)
                    record(figures[name], run, texts, name, turn)
                    again = generate(model, other.messages, 1)
                    figures[name].ttft["repeated"].append(again.ttft_s)
                    figures[name].evaluated["repeated"].append(again.prompt_evaluated)
                else:
                    run = generate(spec_paths[name], prompt.messages, args.max_tokens)
                    record(figures[name], run, texts, name, turn)
            for name, text in texts.items():
                figures[name].identical.append(text == texts["plain"])
            differing = [n for n, t in texts.items() if t != texts["plain"]]
            print(
                f"  {prompt.case:<16} {prompt.lang}  {len(texts['plain']):>4} chars"
                f"  {'identical' if not differing else 'DIFFERS: ' + ', '.join(differing)}"
                f"  ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )

    report(figures, system_tokens, prompt_tokens, args, time.perf_counter() - started)


def record(figures: Figures, run: Run, texts: dict[str, str], name: str, turn: int) -> None:
    texts[name] = run.text
    if run.tokens > 2:
        figures.rates[turn] = run.tokens_per_s
    if run.tokens > 1:
        figures.tokens += run.tokens - 1
        figures.decode_s += run.decode_s
        figures.answer_tokens += run.tokens
        figures.steps += max(run.steps, 1)


def report(
    figures: dict[str, Figures],
    system_tokens: int,
    prompt_tokens: list[int],
    args: argparse.Namespace,
    seconds: float,
) -> None:
    plain = figures["plain"]
    base_ttft = {k: median(v) for k, v in plain.ttft.items()}
    base_rate = plain.tokens / plain.decode_s if plain.decode_s else float("nan")

    def ratio(value: float, base: float) -> str:
        return f"{value / base:.2f}x" if base == base and base else "  -  "

    print()
    print(
        f"prompts: system prompt {system_tokens} tokens, whole prompt median"
        f" {median(prompt_tokens):.0f} tokens; answers up to {args.max_tokens} tokens;"
        f" draft {args.draft_tokens} tokens"
    )
    print("time to first token, median s (ratio to plain in the same scenario);")
    print("prompt tokens evaluated, median")
    header = f"{'path':<16}" + "".join(f"{s:>24}" for s in ("cold", "repeated", "interleaved"))
    print(header)
    for name, f in figures.items():
        if not any(f.ttft.values()):
            continue
        cells = []
        for scenario, values in f.ttft.items():
            if not values:
                cells.append(f"{'-':>24}")
                continue
            cell = (
                f"{median(values):6.2f} s ({ratio(median(values), base_ttft[scenario])})"
                f" {median(f.evaluated[scenario]):5.0f} tok"
            )
            cells.append(f"{cell:>24}")
        print(f"{name:<16}" + "".join(cells))
    print(
        f"  prefix cache, interleaved / plain repeated: "
        f"{ratio(median(figures['prefix cache'].ttft['interleaved']), base_ttft['repeated'])};"
        f" / plain interleaved: "
        f"{ratio(median(figures['prefix cache'].ttft['interleaved']), base_ttft['interleaved'])}"
    )
    print()
    print("answers: tokens/s after the first token over all answers (ratio to plain); the")
    print("median over questions of the path's tokens/s / plain's on the same question (one")
    print("stalled answer does not swing it); answer tokens per decode call of the big model;")
    print("text identical to plain's at temperature 0")
    print(f"{'path':<18}{'tokens/s':>18}{'paired':>9}{'tokens/call':>13}{'identical':>11}")
    for name, f in figures.items():
        rate = f.tokens / f.decode_s if f.decode_s else float("nan")
        paired = median(f.rates[q] / plain.rates[q] for q in f.rates if plain.rates.get(q))
        same = f"{sum(f.identical)}/{len(f.identical)}"
        per_call = f.answer_tokens / max(f.steps, 1)
        print(
            f"{name:<18}{rate:8.1f} ({ratio(rate, base_rate)}){paired:8.2f}x"
            f"{per_call:13.2f}{same:>11}"
        )
    print()
    print(f"{load_average()}; {seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
