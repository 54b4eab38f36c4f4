"""Grounded answers: an LCEL retrieval chain, streamed, with a confidence gate.

    {question, search_query, lang, history}
      -> find: passages = retrieve(search_query)            Qdrant, top-k with scores
               reading = read(search_query, passages)       sentences and table rows, ranked
               faq = the FAQ entry asking the same           its phrasings, the KB's terms
      -> branch: curated FAQ?  assign(answer = the FAQ entry's answer)   no model call
                 confident?    assign(answer = prompt | chat model | text)
                 otherwise     assign(answer = "")             no model call at all

The chain streams: first the passages, then the answer token by token. Around it,
:class:`GroundedAnswerer` holds back the abstention marker, applies the model timeouts,
checks the draft against the lines that answer the question (:mod:`rag.reading`) and picks
the citations. A draft that fails the check, or an abstention where one line clearly answers,
becomes that line quoted with its source; the model's figures never reach the customer
unverified.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda, RunnablePassthrough

from prompts import PromptLibrary, default_library
from rag.admission import ModelAdmission, QueuePlace, turn
from rag.cache import AnswerCache
from rag.errors import GenerationError, GenerationTimeout, RagError
from rag.grounding import ABSTAIN_MARKER, MarkerFilter, cite, lexical_support
from rag.observer import AnswerObserver, NullAnswerObserver
from rag.reading import (
    Reading,
    figures,
    key_terms,
    line_text,
    read,
    render_quote,
    split_units,
)
from rag.store import KnowledgeStore, ScoredChunk
from rag.vocabulary import Vocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnswerRequest:
    question: str
    search_query: str
    lang: str = "ru"
    history: Sequence[tuple[str, str]] = ()  # (role: "customer" | "bot", text)
    # The caller vouches that the answer depends on nothing but the question (no personal
    # data, not a follow-up): it may come from, and go to, the answer cache.
    cacheable: bool = False


@dataclass(frozen=True, slots=True)
class Retrieved:
    passages: tuple[ScoredChunk, ...]
    confident: bool


@dataclass(frozen=True, slots=True)
class Queued:
    """The generation waits for its turn at the model: ``position`` 1 is next."""

    position: int
    estimate_s: float


@dataclass(frozen=True, slots=True)
class Token:
    text: str


@dataclass(frozen=True, slots=True)
class Done:
    text: str
    abstained: bool
    ungrounded: frozenset[str]  # figures in the answer that no passage contains
    cited: tuple[ScoredChunk, ...]
    supported: bool = True  # enough of the answer's words come from the passages
    timings: dict[str, float] = field(default_factory=dict)
    faq_id: str | None = None  # answered by this curated FAQ entry, as written
    quoted: bool = (
        False  # the answer is a line of a passage, quoted (the draft failed or abstained)
    )
    problems: tuple[str, ...] = ()  # why the model's draft was not shown
    cached: bool = False  # given again from the answer cache: no model was asked


AnswerChunk = Retrieved | Queued | Token | Done


PROMPT_LINES = 3  # the best lines shown to the model besides its passages
_SHORTEST_PASSAGE = 200  # characters; a passage is not cut shorter to fit the budget


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    top_k: int = 6
    min_score: float = 0.3
    context_passages: int = 2
    min_support: float = 0.5
    first_token_timeout_s: float = 60.0
    total_timeout_s: float = 120.0
    faq_min_score: float = 0.6  # a question this close to an FAQ phrasing may get its answer
    # A line covering this share of the question's key terms makes the passages relevant even
    # when the dense score is low (one-word and slangy questions), and may be quoted.
    min_coverage: float = 0.75
    # ... or a line about what the question singles out ranks this high (coverage, similarity
    # and the figure asked for: ``rag.reading``): on the blind sets it let 0.92-0.99 of the
    # answerable questions through instead of 0.88-0.95, and 0-3 points more of the others.
    min_line_rank: float = 0.9
    quote_coverage: float = 0.55
    # The prompt's budget in the model's tokens (its context less the answer's tokens): the
    # oldest history, then the second passage and the lines, then the passage's tail are
    # left out until it fits. None: no budget.
    prompt_tokens: int | None = None


class GroundedAnswerer:
    def __init__(
        self,
        store: KnowledgeStore,
        llm: BaseChatModel,
        policy: AnswerPolicy | None = None,
        prompts: PromptLibrary | None = None,
        admission: ModelAdmission | None = None,
        count_tokens: Callable[[str], int] = len,
        cache: AnswerCache | None = None,
        observer: AnswerObserver | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._cache = cache
        # What the knowledge base has words for: shared with the cache when there is one.
        self._vocabulary = vocabulary or Vocabulary(lambda: store.texts())
        self._observer: AnswerObserver = observer or NullAnswerObserver()
        self._store = store
        self._llm = llm
        self._policy = policy or AnswerPolicy()
        self._prompts = prompts or default_library()
        self._admission = admission
        self._count_tokens = count_tokens  # len: a token per character, the worst case
        self.chain = self._build_chain()

    def _build_chain(self) -> Runnable[dict[str, Any], dict[str, Any]]:
        # Search and reading are one step, run in one worker thread: as two steps of their own
        # the stream's machinery cost more of the event loop than both took to run.
        find = RunnableLambda(self._find_sync, afunc=self._find, name="find")
        written = RunnableLambda(self._messages) | self._llm | StrOutputParser()

        async def generate_in_turn(state: dict[str, Any]) -> AsyncIterator[str]:
            # The model's turn is taken here, where the model is called: a full queue refuses
            # at once (ModelBusy), and a wait for the turn counts against the first token.
            async with turn(self._admission, state.get("on_wait")):
                async for text in written.astream(state):
                    yield text

        generate: RunnableLambda[dict[str, Any], str] = RunnableLambda(generate_in_turn)
        nothing: RunnableLambda[dict[str, Any], str] = RunnableLambda(lambda _: "")
        curated: RunnableLambda[dict[str, Any], str] = RunnableLambda(self._curated_answer)
        return find | self._branch(generate, nothing, curated)

    def _branch(
        self,
        generate: Runnable[dict[str, Any], str],
        nothing: Runnable[dict[str, Any], str],
        curated: Runnable[dict[str, Any], str],
    ) -> Runnable[dict[str, Any], dict[str, Any]]:
        return RunnableBranch(
            (
                lambda state: state.get("faq") is not None,
                RunnablePassthrough.assign(answer=curated),
            ),
            (self._confident, RunnablePassthrough.assign(answer=generate)),
            RunnablePassthrough.assign(answer=nothing),
        )

    def reading_lines(self) -> list[str]:
        """Every line of the index as questions are compared with it (sentences, table rows
        with their captions, FAQ entries' phrasings): their vectors can be computed ahead."""
        lines: list[str] = []
        for chunk in self._store.chunks():
            lines.extend(line_text(unit) for unit in split_units(chunk, 0))
            lines.extend(str(q) for q in (chunk.metadata or {}).get("questions") or [])
        return lines

    def _find_sync(self, state: dict[str, Any]) -> dict[str, Any]:
        """The state with the passages found for its search query, their reading and the
        curated FAQ entry that answers it, if one does."""
        query = state["search_query"]
        passages = self._retrieve_sync(query)
        reading = read(query, passages, self._store.similarities)
        faq = self.faq_hit(query, passages)
        return {**state, "passages": passages, "reading": reading, "faq": faq}

    async def _find(self, state: dict[str, Any]) -> dict[str, Any]:
        return await asyncio.to_thread(self._find_sync, state)

    def _curated_answer(self, state: dict[str, Any]) -> str:
        hit: ScoredChunk | None = state.get("faq")
        return str((hit.metadata or {}).get("answer", "")) if hit else ""

    def faq_hit(self, question: str, passages: Sequence[ScoredChunk]) -> ScoredChunk | None:
        """The curated FAQ entry among ``passages`` that asks what ``question`` asks, if any.

        An entry answers a question when one of its listed phrasings is at least
        ``faq_min_score`` similar to it (the dense model's cosine), and the question names
        nothing the knowledge base has words for, and no figure, that its phrasings do not. The
        entry as a whole (phrasings and answer together) was too blunt a measure: «…«Премиум»?»
        got the «Классика» entry's answer, and «Телефон поддержки банка», one of an entry's own
        phrasings, missed it (``examples/cache/paraphrases.yaml``: 37 FAQ answers, 18 of them
        wrong, against 22, none wrong)."""
        best: tuple[float, ScoredChunk] | None = None
        asked: frozenset[str] | None = None
        for passage in passages:
            meta = passage.metadata or {}
            phrasings = [str(q) for q in meta.get("questions") or []]
            if not (meta.get("faq_id") and meta.get("answer") and phrasings):
                continue
            similarity = max(self._store.similarities(question, phrasings))
            if similarity < self._policy.faq_min_score or (best and similarity <= best[0]):
                continue
            if asked is None:
                asked = self._vocabulary.terms(question)
            named = frozenset().union(*(key_terms(q) for q in phrasings))
            if asked <= named and figures(question) <= figures(" ".join(phrasings)):
                best = (similarity, passage)
        return best[1] if best else None

    def _retrieve_sync(self, query: str) -> list[ScoredChunk]:
        return self._store.search(query, self._policy.top_k)

    def _confident(self, state: dict[str, Any]) -> bool:
        passages: list[ScoredChunk] = state["passages"]
        reading: Reading | None = state.get("reading")
        # Hybrid search ranks by fused rank; the gate reads each chunk's dense similarity, or
        # a line that holds most of the question's key terms, or one that answers it well.
        if any(p.score >= self._policy.min_score for p in passages):
            return True
        if reading is None:
            return False
        answering = reading.answering()
        return reading.coverage >= self._policy.min_coverage or (
            bool(answering) and answering[0].rank >= self._policy.min_line_rank
        )

    def context(
        self, passages: Sequence[ScoredChunk], reading: Reading | None = None
    ) -> list[ScoredChunk]:
        """The passages the model reads: the one holding the best line about what the question
        singles out, then the search's first, then the rest in the search's order.

        The gate has already decided that the passages are relevant; which of them the model
        reads decides whether the answer is in front of it. On the holdout sets the expected
        figure stood in the two passages shown 0.43-0.58 of the time when they were the
        confident ones in the search's order, and 0.80-0.82 with the best line's passage first
        (``benchmarks/calibration.py``)."""
        chosen: list[ScoredChunk] = []
        answering = reading.answering() if reading is not None else []
        for passage in [*(s.unit.passage for s in answering[:1]), *passages]:
            if passage not in chosen:
                chosen.append(passage)
        return chosen[: self._policy.context_passages]

    def _messages(self, state: dict[str, Any]) -> list[BaseMessage]:
        lang = state["lang"]
        system = self._prompts.render("system", lang, marker=ABSTAIN_MARKER)
        history = [{"role": role, "text": text} for role, text in state["history"]]
        passages = self.context(state["passages"], state.get("reading"))
        reading: Reading | None = state.get("reading")
        lines = reading.prompt_lines(PROMPT_LINES) if reading is not None else []

        def render() -> str:
            return self._prompts.render(
                "answer",
                lang,
                passages=passages,
                lines=lines,
                history=history,
                question=state["question"],
                marker=ABSTAIN_MARKER,
            )

        prompt = render()
        budget = self._policy.prompt_tokens
        while budget is not None and self._count_tokens(system + prompt) > budget:
            if history:
                history = history[1:]  # the oldest turn first
            elif len(passages) > 1 or lines:
                passages, lines = passages[:1], []
            elif passages and len(passages[0].text) > _SHORTEST_PASSAGE:
                first = passages[0]
                passages = [replace(first, text=first.text[: len(first.text) // 2])]
            else:
                break  # the question alone is over the budget: the model says so, or fails
            prompt = render()
        return [SystemMessage(system), HumanMessage(prompt)]

    async def astream(self, request: AnswerRequest) -> AsyncIterator[AnswerChunk]:
        """Passages first, then safe tokens, then the verdict. Raises RagError subclasses.
        A generation that waits for its turn at the model says where it stands (:class:`Queued`)
        before its first token."""
        lang = request.lang if request.lang in ("ru", "en") else "ru"
        started = time.perf_counter()
        if request.cacheable and self._cache is not None:
            cached = await asyncio.to_thread(self._cache.lookup, request.search_query, lang)
            if cached is not None:
                yield Retrieved(cached.cited, True)
                yield Token(cached.text)
                timings = {"total_s": time.perf_counter() - started}
                yield Done(
                    cached.text, False, frozenset(), cached.cited, timings=timings, cached=True
                )
                return
        done: Done | None = None
        async for chunk in self._fresh(request, lang, started):
            if isinstance(chunk, Done):
                done = chunk
            yield chunk
        cache = self._cache if request.cacheable else None
        if cache is not None and done is not None and _keepable(done):
            await asyncio.to_thread(cache.store, request.search_query, lang, done.text, done.cited)

    async def _fresh(
        self, request: AnswerRequest, lang: str, started: float
    ) -> AsyncIterator[AnswerChunk]:
        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        async def queued(place: QueuePlace) -> None:
            events.put_nowait(("queued", place))

        state = {
            "question": request.question,
            "search_query": request.search_query,
            "lang": lang,
            "history": list(request.history),
            "on_wait": queued,
        }

        async def pump() -> None:
            stream = self.chain.astream(state)
            try:
                async for chunk in stream:
                    events.put_nowait(("chunk", chunk))
                events.put_nowait(("end", None))
            except Exception as exc:
                events.put_nowait(("error", exc))
            finally:
                await _close(stream)

        timings: dict[str, float] = {}
        passages: list[ScoredChunk] = []
        reading: Reading | None = None
        faq_found: ScoredChunk | None = None
        confident = False
        marker = MarkerFilter()
        deadline = started + self._policy.total_timeout_s
        first_token_at: float | None = None
        generation_started = first_token_deadline = deadline
        pieces = 0
        pumping = asyncio.create_task(pump())
        try:
            while True:
                budget = deadline - time.perf_counter()
                if passages and first_token_at is None:
                    # From the passages on, however many queue notices come meanwhile.
                    budget = min(budget, first_token_deadline - time.perf_counter())
                kind, item = await asyncio.wait_for(events.get(), timeout=max(budget, 0.001))
                if kind == "end":
                    break
                if kind == "error":
                    raise item
                if kind == "queued":
                    yield Queued(item.position, item.estimate_s)
                    continue
                chunk = item
                if "passages" in chunk:
                    passages = chunk["passages"]
                    reading = chunk.get("reading")
                    faq_found = chunk.get("faq")
                    timings["retrieve_s"] = time.perf_counter() - started
                    confident = self._confident(chunk)
                    yield Retrieved(tuple(passages), confident)
                    if not confident:
                        break
                    generation_started = time.perf_counter()
                    first_token_deadline = generation_started + self._policy.first_token_timeout_s
                if chunk.get("answer"):
                    pieces += 1
                    if first_token_at is None:
                        first_token_at = time.perf_counter()
                        timings["first_token_s"] = first_token_at - generation_started
                    released = marker.feed(chunk["answer"])
                    if released:
                        yield Token(released)
        except TimeoutError as exc:
            self._observer.model_failed("timeout")
            raise GenerationTimeout(
                "no first token in time" if first_token_at is None else "answer took too long"
            ) from exc
        except RagError:
            raise
        except Exception as exc:  # the model backend's own errors, translated at the boundary
            if not passages:
                raise RagError(f"retrieval failed: {type(exc).__name__}: {exc}") from exc
            self._observer.model_failed("unavailable")
            raise GenerationError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping
        timings["total_s"] = time.perf_counter() - started
        faq = faq_found if confident else None
        if first_token_at is not None and faq is None:  # the model wrote it
            self._observer.generated(pieces, time.perf_counter() - first_token_at)
        if not confident:  # nothing relevant enough was found: no answer, no citation
            yield Done(text="", abstained=False, ungrounded=frozenset(), cited=(), timings=timings)
            return
        if faq is not None:
            answer = str((faq.metadata or {})["answer"])
            yield Done(
                text=answer,
                abstained=False,
                ungrounded=frozenset(),
                cited=(faq, *_backing(answer, passages, self._policy.min_score)),
                timings=timings,
                faq_id=str((faq.metadata or {})["faq_id"]),
            )
            return
        yield self._verdict(request, lang, passages, reading, marker, timings)

    def _verdict(
        self,
        request: AnswerRequest,
        lang: str,
        passages: list[ScoredChunk],
        reading: Reading | None,
        marker: MarkerFilter,
        timings: dict[str, float],
    ) -> Done:
        """The draft as it is when it passes the check; else the quote, when one is confident;
        else the draft with what is wrong with it (the dialogue hands over)."""
        context = self.context(passages, reading)
        answer = marker.answer
        abstained = marker.abstained or (bool(context) and not answer)
        problems: tuple[str, ...] = ()
        if not abstained and reading is not None:
            problems = tuple(reading.check(answer, lang))
        # What the model read: the passages, and those of the lines it was shown.
        shown = list(context)
        if reading is not None:
            for scored in reading.answering()[:PROMPT_LINES]:
                if scored.unit.passage not in shown:
                    shown.append(scored.unit.passage)
        support = lexical_support(answer, shown, request.question)
        supported = support is None or support >= self._policy.min_support
        if not supported and not abstained:
            problems += ("words not from the passages",)
        if problems:  # categories only: never the answer's words or figures
            log.info("draft refused: %s", ", ".join(sorted({p.split(":")[0] for p in problems})))
        if (abstained or problems) and reading is not None and context:
            # A bare «Да» or «13,2%»: the model found its answer; the line says it whole.
            terse = problems == ("not a sentence",) and bool(answer.strip())
            best = (terse and reading.stating(answer, lang)) or reading.quote(
                lang, self._policy.quote_coverage, replied=terse
            )
            if best is not None:
                return Done(
                    text=render_quote(best, lang),
                    abstained=False,
                    ungrounded=frozenset(),
                    cited=(best.unit.passage,),
                    timings=timings,
                    quoted=True,
                    problems=problems or ("abstained",),
                )
        figures = [p for p in problems if p.startswith("figures")]
        return Done(
            text=answer,
            abstained=abstained,
            ungrounded=frozenset(figures),
            supported=supported and not (set(problems) - set(figures)),
            cited=tuple(cite(answer, shown)),
            timings=timings,
            problems=problems,
        )


def _backing(answer: str, passages: Sequence[ScoredChunk], min_score: float) -> list[ScoredChunk]:
    """The document behind a curated answer: the first passage found, not itself an FAQ
    entry, relevant to the question by the confidence gate's own measure, that states every
    figure the answer gives (none when it gives none). The customer can read the whole rule
    there, and the answer's provenance names it."""
    stated = figures(answer)
    if not stated:
        return []
    for passage in passages:
        if (passage.metadata or {}).get("faq_id") or passage.score < min_score:
            continue
        if stated <= figures(passage.text):
            return [passage]
    return []


def _keepable(done: Done) -> bool:
    """A grounded answer the model wrote (or a line quoted for it), worth giving again."""
    return (
        bool(done.text.strip())
        and bool(done.cited)
        and done.faq_id is None
        and not done.cached
        and not done.abstained
        and not done.ungrounded
        and done.supported
    )


async def _close(stream: AsyncIterator[Any]) -> None:
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            log.debug("closing the answer stream failed", exc_info=True)
