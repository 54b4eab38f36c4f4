"""The LCEL answer chain over real Qdrant + real embeddings, with scripted chat models
(``integrations.llm.ScriptedChatModel``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.llm import ScriptedChatModel
from rag.admission import ModelAdmission
from rag.answering import (
    AnswerPolicy,
    AnswerRequest,
    Done,
    GroundedAnswerer,
    Queued,
    Retrieved,
    Token,
)
from rag.cache import AnswerCache
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.errors import GenerationError, GenerationTimeout, ModelBusy
from rag.ingest import Ingestor
from rag.reading import read
from rag.store import KnowledgeStore, ScoredChunk, open_client
from rag.vocabulary import Vocabulary
from tests.conftest import KB_DIR


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> Iterator[KnowledgeStore]:
    """The sample KB without its curated FAQ: these tests are about the generated answer."""
    path: Path = tmp_path_factory.mktemp("qdrant")
    documents = tmp_path_factory.mktemp("kb")
    for source in KB_DIR.iterdir():
        if ".faq." not in source.name:
            (documents / source.name).write_bytes(source.read_bytes())
    knowledge = KnowledgeStore(open_client(url=None, path=path), "kb", use_embeddings)
    Ingestor(knowledge).ingest_dir(documents)
    yield knowledge
    knowledge.close()


UNQUOTABLE = AnswerPolicy(quote_coverage=1.01)  # no line may stand in for the model's verdict


async def collect(answerer: GroundedAnswerer, question: str, **kw: Any) -> list[Any]:
    request = AnswerRequest(question, kw.pop("search_query", question), **kw)
    return [chunk async for chunk in answerer.astream(request)]


async def test_streams_passages_then_tokens_then_verdict(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="Обслуживание карты «Классика» стоит 99 ₽ в месяц.")
    chunks = await collect(
        GroundedAnswerer(store, model), "Сколько стоит обслуживание дебетовой карты?"
    )
    assert isinstance(chunks[0], Retrieved) and chunks[0].confident
    assert chunks[0].passages[0].doc_id == "cards-debit-fees"
    tokens = [c.text for c in chunks if isinstance(c, Token)]
    assert len(tokens) > 3
    done = chunks[-1]
    assert isinstance(done, Done)
    assert not done.abstained and not done.ungrounded
    assert done.cited[0].doc_id == "cards-debit-fees"
    prompt = model.prompts[0][1].content
    assert "99" in prompt and "Вопрос клиента: Сколько стоит" in prompt


async def test_low_confidence_never_calls_the_model(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="should not be used")
    answerer = GroundedAnswerer(
        store, model, AnswerPolicy(min_score=0.99, min_coverage=1.01, min_line_rank=3.0)
    )
    chunks = await collect(answerer, "Сколько стоит обслуживание карты?")
    assert isinstance(chunks[0], Retrieved) and not chunks[0].confident
    assert model.prompts == []
    assert not any(isinstance(c, Token) for c in chunks)


async def test_a_full_model_queue_refuses_at_once_and_costs_no_generation(
    store: KnowledgeStore,
) -> None:
    model = ScriptedChatModel(reply="Обслуживание карты «Классика» стоит 99 ₽ в месяц.")
    admission = ModelAdmission(running=1, waiting=0)
    answerer = GroundedAnswerer(store, model, admission=admission)
    async with admission.slot():  # another customer's answer is being written
        with pytest.raises(ModelBusy):
            await collect(answerer, "Сколько стоит обслуживание дебетовой карты?")
        # A question the passages do not answer needs no turn at the model.
        unsure = GroundedAnswerer(
            store,
            model,
            AnswerPolicy(min_score=0.99, min_coverage=1.01, min_line_rank=3.0),
            admission=admission,
        )
        chunks = await collect(unsure, "Сколько стоит обслуживание карты?")
        assert isinstance(chunks[-1], Done) and chunks[-1].text == ""
    assert model.prompts == []
    assert admission.inside == 0
    chunks = await collect(answerer, "Сколько стоит обслуживание дебетовой карты?")
    assert "99" in chunks[-1].text  # the queue is free again
    assert admission.inside == 0


async def test_the_prompt_is_trimmed_to_its_token_budget(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="Обслуживание карты «Классика» стоит 99 ₽ в месяц.")
    history = [("customer", f"старый вопрос {i} " + "я" * 1500) for i in range(6)]
    history.append(("bot", "последний ответ бота"))

    async def prompt_for(budget: int | None) -> str:
        answerer = GroundedAnswerer(store, model, AnswerPolicy(prompt_tokens=budget))
        model.prompts.clear()
        await collect(
            answerer,
            "Сколько стоит обслуживание дебетовой карты?",
            history=history,
        )
        system, human = model.prompts[0]
        return str(system.content) + str(human.content)

    whole = await prompt_for(None)
    assert "старый вопрос 0" in whole and len(whole) > 9000
    fitted = await prompt_for(4000)
    assert len(fitted) <= 4000  # a token per character: the budget's worst case
    assert "старый вопрос 0" not in fitted, "the oldest turns go first"
    assert "Вопрос клиента: Сколько стоит обслуживание дебетовой карты?" in fitted
    assert "99" in fitted, "the passage that answers stays"


async def test_abstention_marker_is_hidden_and_reported(store: KnowledgeStore) -> None:
    chunks = await collect(
        GroundedAnswerer(store, ScriptedChatModel(reply="NO_ANSWER"), UNQUOTABLE),
        "Сколько стоит обслуживание карты?",
    )
    assert not any(isinstance(c, Token) for c in chunks)
    assert isinstance(chunks[-1], Done) and chunks[-1].abstained


async def test_invented_figure_is_flagged(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="Обслуживание стоит 12345 ₽ в месяц.")
    chunks = await collect(
        GroundedAnswerer(store, model, UNQUOTABLE), "Сколько стоит обслуживание карты?"
    )
    assert chunks[-1].ungrounded and "12345" in next(iter(chunks[-1].ungrounded))


async def test_an_invented_figure_gives_way_to_the_line_that_answers(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="Обслуживание стоит 12345 ₽ в месяц.")
    question = "Сколько стоит обслуживание карты «Классика» в месяц?"
    chunks = await collect(GroundedAnswerer(store, model), question)
    done = chunks[-1]
    assert done.quoted and not done.ungrounded and "12345" not in done.text
    assert "99" in done.text and done.cited[0].doc_id == "cards-debit-fees"


async def test_history_reaches_the_prompt(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="Пенсионерам обслуживание бесплатно.")
    await collect(
        GroundedAnswerer(store, model),
        "а для пенсионеров?",
        search_query="Сколько стоит обслуживание дебетовой карты? а для пенсионеров?",
        history=[
            ("customer", "Сколько стоит обслуживание дебетовой карты?"),
            ("bot", "99 ₽ в месяц."),
        ],
    )
    prompt = str(model.prompts[0][1].content)
    assert "Клиент: Сколько стоит обслуживание дебетовой карты?" in prompt
    assert "Ассистент: 99 ₽ в месяц." in prompt


async def test_english_prompt_for_english_question(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="SWIFT transfers cost 0.5%.")
    await collect(GroundedAnswerer(store, model), "How much is a SWIFT transfer?", lang="en")
    assert "Customer's question" in str(model.prompts[0][1].content)
    assert "the bank's customer-support assistant" in str(model.prompts[0][0].content)


async def test_model_stall_times_out(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="late", stall_s=5)
    answerer = GroundedAnswerer(store, model, AnswerPolicy(first_token_timeout_s=0.3))
    with pytest.raises(GenerationTimeout):
        await collect(answerer, "Сколько стоит обслуживание карты?")


async def test_model_failure_is_translated(store: KnowledgeStore) -> None:
    answerer = GroundedAnswerer(store, ScriptedChatModel(fail=True))
    with pytest.raises(GenerationError, match="ConnectionError"):
        await collect(answerer, "Сколько стоит обслуживание карты?")


async def test_chain_is_plain_lcel(store: KnowledgeStore) -> None:
    """The chain itself is a Runnable: usable with ainvoke like any LangChain chain."""
    result = await GroundedAnswerer(store, ScriptedChatModel(reply="99 ₽ в месяц.")).chain.ainvoke(
        {
            "question": "Сколько стоит карта?",
            "search_query": "Сколько стоит обслуживание карты?",
            "lang": "ru",
            "history": [],
        }
    )
    assert result["answer"] == "99 ₽ в месяц."
    assert result["passages"][0].doc_id == "cards-debit-fees"


async def test_answer_not_drawn_from_the_passages_is_flagged(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(
        reply="Индивидуальные предприниматели получают расчётный счёт согласно региональному "
        "законодательству и внутренним регламентам филиала."
    )
    chunks = await collect(
        GroundedAnswerer(store, model, UNQUOTABLE), "Сколько стоит обслуживание карты?"
    )
    assert isinstance(chunks[-1], Done) and not chunks[-1].supported


async def test_a_terse_figure_is_said_by_the_line_that_states_it(store: KnowledgeStore) -> None:
    model = ScriptedChatModel(reply="300 ₽")
    chunks = await collect(GroundedAnswerer(store, model), "скока стоит перевыпуск карты классика")
    done = chunks[-1]
    assert done.quoted and done.problems == ("not a sentence",)
    assert "300 ₽" in done.text and "Перевыпуск" in done.text


# A rate table the dense model scores under the floor (0.22).
RATES = ScoredChunk(
    "deposits",
    "Вклады",
    "Вклад «Прилив»",
    "| Срок | Ставка |\n|---|---|\n| 6 месяцев | 14,0% |\n| 12 месяцев | 13,6% |",
    "ru",
    0.22,
)


def offline(policy: AnswerPolicy | None = None) -> GroundedAnswerer:
    """An answerer for what is decided before the store and the model are asked."""
    return GroundedAnswerer(None, ScriptedChatModel(reply="-"), policy)  # type: ignore[arg-type]


def test_the_model_reads_the_passage_holding_the_best_line_first() -> None:
    """The search ranked a general passage first and the tariff table (under the dense floor)
    second; the model must read the table, whose row answers, before anything else."""
    general = ScoredChunk(
        "deposits-intro", "Вклады", None, "Вклады можно открыть в приложении.", "ru", 0.41
    )
    other = ScoredChunk("cards", "Карты", None, "Карта стоит 99 ₽ в месяц.", "ru", 0.35)
    answerer = offline()
    question = "какая ставка по вкладу прилив на 12 месяцев"
    passages = [general, RATES, other]
    shown = answerer.context(passages, read(question, passages))
    assert [p.doc_id for p in shown] == ["deposits", "deposits-intro"]
    # Without a line that answers, the search's order stands.
    assert [p.doc_id for p in answerer.context(passages)] == ["deposits-intro", "deposits"]


def test_a_line_that_answers_well_lets_the_passages_through_under_the_dense_floor() -> None:
    answerer = offline()
    reading = read("скок процентов дадут на прилив на год", [RATES])
    assert reading.coverage < AnswerPolicy().min_coverage
    assert answerer._confident({"passages": [RATES], "reading": reading})
    strict = offline(AnswerPolicy(min_line_rank=3.0))
    assert not strict._confident({"passages": [RATES], "reading": reading})
    # Lines about something else do not.
    other = read("сколько стоит аренда банковской ячейки", [RATES])
    assert not answerer._confident({"passages": [RATES], "reading": other})


# --- the answer cache and the model's queue -------------------------------------------------

CLASSIC_FEE = "Обслуживание карты «Классика» стоит 99 ₽ в месяц."


@pytest.fixture
def small_store(
    tmp_path: Path, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> Iterator[tuple[KnowledgeStore, Path]]:
    """One document in its own index, to be republished by the test."""
    documents = tmp_path / "kb"
    documents.mkdir()
    (documents / "cards-debit-fees.md").write_bytes((KB_DIR / "cards-debit-fees.md").read_bytes())
    knowledge = KnowledgeStore(open_client(url=None, path=tmp_path / "q"), "kb", use_embeddings)
    Ingestor(knowledge).ingest_dir(documents)
    yield knowledge, documents
    knowledge.close()


def cached_answerer(store: KnowledgeStore, model: ScriptedChatModel) -> GroundedAnswerer:
    cache = AnswerCache(store.query_vector, store.document_version, Vocabulary(store.texts))
    store.on_change(cache.invalidate)
    return GroundedAnswerer(store, model, cache=cache)


async def test_the_same_question_again_is_answered_from_the_cache_without_the_model(
    small_store: tuple[KnowledgeStore, Path],
) -> None:
    store, _ = small_store
    model = ScriptedChatModel(reply=CLASSIC_FEE)
    answerer = cached_answerer(store, model)
    first = await collect(answerer, "Сколько стоит обслуживание карты «Классика»?", cacheable=True)
    again = await collect(
        answerer, "подскажите, сколько стоит обслуживание карты классика", cacheable=True
    )
    assert len(model.prompts) == 1  # the second answer was not written
    assert isinstance(again[-1], Done) and again[-1].cached
    assert again[-1].text == first[-1].text == CLASSIC_FEE
    assert [c.doc_id for c in again[-1].cited] == [c.doc_id for c in first[-1].cited]
    assert isinstance(again[0], Retrieved) and again[0].confident  # sources come along


async def test_a_question_not_vouched_for_never_touches_the_cache(
    small_store: tuple[KnowledgeStore, Path],
) -> None:
    """A follow-up, or a question with personal data in it: not kept, not looked up."""
    store, _ = small_store
    model = ScriptedChatModel(reply=CLASSIC_FEE)
    answerer = cached_answerer(store, model)
    question = "Сколько стоит обслуживание карты «Классика»?"
    await collect(answerer, question)
    await collect(answerer, question, cacheable=True)  # nothing was kept the first time
    await collect(answerer, question)  # kept now, but this one may not use it
    assert len(model.prompts) == 3


async def test_publishing_a_cited_document_anew_drops_its_cached_answers(
    small_store: tuple[KnowledgeStore, Path],
) -> None:
    store, documents = small_store
    model = ScriptedChatModel(reply=CLASSIC_FEE)
    answerer = cached_answerer(store, model)
    question = "Сколько стоит обслуживание карты «Классика»?"
    await collect(answerer, question, cacheable=True)
    source = documents / "cards-debit-fees.md"
    source.write_text(source.read_text().replace("99 ₽", "149 ₽"), encoding="utf-8")
    Ingestor(store).ingest_dir(documents)  # the content team publishes a new price
    model.reply = "Обслуживание карты «Классика» стоит 149 ₽ в месяц."
    chunks = await collect(answerer, question, cacheable=True)
    assert len(model.prompts) == 2
    assert isinstance(chunks[-1], Done) and not chunks[-1].cached
    assert "149" in chunks[-1].text


async def test_a_document_republished_by_another_replica_is_noticed(
    small_store: tuple[KnowledgeStore, Path], use_embeddings: UniversalSentenceEncoderEmbeddings
) -> None:
    """One shared index, two processes: this one's cache hears of no change, but the cited
    document's version in the index no longer matches."""
    store, documents = small_store
    model = ScriptedChatModel(reply=CLASSIC_FEE)
    answerer = cached_answerer(store, model)
    question = "Сколько стоит обслуживание карты «Классика»?"
    await collect(answerer, question, cacheable=True)
    elsewhere = KnowledgeStore(store._client, "kb", use_embeddings)  # no listener of ours
    source = documents / "cards-debit-fees.md"
    source.write_text(source.read_text().replace("99 ₽", "149 ₽"), encoding="utf-8")
    Ingestor(elsewhere).ingest_dir(documents)
    chunks = await collect(answerer, question, cacheable=True)
    assert isinstance(chunks[-1], Done) and not chunks[-1].cached
    assert len(model.prompts) == 2


async def test_an_answer_waiting_for_the_model_hears_its_place_before_its_first_token(
    store: KnowledgeStore,
) -> None:
    model = ScriptedChatModel(reply=CLASSIC_FEE)
    admission = ModelAdmission(running=1, waiting=2)
    answerer = GroundedAnswerer(store, model, admission=admission)
    busy = asyncio.Event()

    async def another_customer() -> None:
        async with admission.slot():
            await busy.wait()

    holder = asyncio.create_task(another_customer())
    await asyncio.sleep(0)
    chunks = []
    question = "Сколько стоит обслуживание дебетовой карты?"
    request = AnswerRequest(question, question)
    async for chunk in answerer.astream(request):
        chunks.append(chunk)
        if isinstance(chunk, Queued):
            busy.set()  # the other answer is done: this one's turn comes
    await holder
    kinds = [type(c).__name__ for c in chunks]
    assert kinds.index("Queued") < kinds.index("Token")
    queued = next(c for c in chunks if isinstance(c, Queued))
    assert queued.position == 1 and queued.estimate_s > 0
    assert "99" in chunks[-1].text
