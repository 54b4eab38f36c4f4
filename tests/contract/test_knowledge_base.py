"""The knowledge base's contract: what the dialogue engine relies on from a ``KnowledgeBase``
(and the operators' desk from a ``KnowledgeSearch``), run against the fake and the real one.

A contract test names the scenario it needs; each implementation's test class says how to
produce it. The real ``RagKnowledgeBase`` produces every scenario from real inputs: Qdrant in
local mode over three of the sample bank's documents and one curated FAQ entry, the real
``use`` embeddings, and a scripted chat model (fast and deterministic) whose reply is the
scenario's: a faithful answer, the abstention marker, an invented figure, a connection error.
Nothing found is a question the documents do not answer; a store that is down is a Qdrant
server that is not there.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

import pytest
from qdrant_client import QdrantClient

from bot.dialogue.errors import DialogueError, KnowledgeUnavailable, ModelUnavailable
from bot.dialogue.models import (
    AnswerDelta,
    AnswerEvent,
    AnswerFinished,
    ChatTurn,
    KnowledgeQuestion,
    Passage,
    PassagesFound,
    Role,
)
from bot.dialogue.ports import KnowledgeBase
from bot.knowledge import FakeKnowledgeBase, RagKnowledgeBase
from bot.operators.ports import KnowledgeSearch
from integrations.llm import ScriptedChatModel
from integrations.processes import free_port
from rag.answering import AnswerPolicy, GroundedAnswerer
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.ingest import Ingestor
from rag.store import KnowledgeStore, open_client
from tests.conftest import KB_DIR


class Scenario(Enum):
    ANSWERS = "answers"  # the documents answer the question; the answer keeps to them
    NOTHING_FOUND = "nothing_found"  # the documents say nothing about the question
    ABSTAINS = "abstains"  # relevant passages, but the model declines; no line is sure enough
    INVENTS_A_FIGURE = "invents_a_figure"  # a figure no passage has; no line is sure enough
    QUOTED = "quoted"  # the draft states a wrong figure; a line answers: it is quoted instead
    CURATED = "curated"  # a curated FAQ entry answers, as written
    STORE_DOWN = "store_down"  # the vector store cannot be reached
    MODEL_DOWN = "model_down"  # passages are found, then the model fails


ANSWERED = "Сколько стоит обслуживание дебетовой карты?"
UNANSWERED = "Где купить билеты в театр?"
CURATED_QUESTION = "Сколько стоят переводы через СБП?"
ANSWERING_DOC = "cards-debit-fees"  # the sample document that answers ANSWERED
ANSWER = "Обслуживание карты «Классика» стоит 99 ₽ в месяц."
INVENTED = "Обслуживание карты «Классика» стоит 12345 ₽ в месяц."
QUOTE = "Вот что об этом сказано в разделе «Обслуживание дебетовых карт»: Классика: 99 ₽ в месяц."
SBP_FAQ = """\
id: faq-contract
title: Частые вопросы
lang: ru
entries:
  - id: sbp-fee
    questions:
      - Сколько стоят переводы через СБП?
      - Какая комиссия за переводы по СБП?
    answer: >-
      Переводы через СБП бесплатные до 100 000 ₽ в календарный месяц.
"""


def question_for(scenario: Scenario) -> KnowledgeQuestion:
    text = {Scenario.NOTHING_FOUND: UNANSWERED, Scenario.CURATED: CURATED_QUESTION}.get(
        scenario, ANSWERED
    )
    return KnowledgeQuestion(text, text, "ru")


class SearchableKnowledge(KnowledgeBase, KnowledgeSearch, Protocol):
    """Both ports at once: every knowledge base here serves the dialogue and the operators."""


KnowledgeFactory = Callable[[Scenario], SearchableKnowledge]


@dataclass
class Asked:
    """Everything a question produced: the events in order, then the error that ended it."""

    events: list[AnswerEvent]
    error: DialogueError | None

    @property
    def found(self) -> PassagesFound:
        first = self.events[0]
        assert isinstance(first, PassagesFound), f"first event is {first!r}"
        return first

    @property
    def deltas(self) -> list[AnswerDelta]:
        return [e for e in self.events if isinstance(e, AnswerDelta)]

    @property
    def finished(self) -> AnswerFinished:
        last = self.events[-1]
        assert isinstance(last, AnswerFinished), f"last event is {last!r}"
        return last

    def kinds(self) -> list[type[AnswerEvent]]:
        return [type(e) for e in self.events]


async def ask(knowledge_base: KnowledgeFactory, scenario: Scenario) -> Asked:
    """Ask the scenario's question; only the dialogue's own errors may end the stream."""
    events: list[AnswerEvent] = []
    try:
        async for event in knowledge_base(scenario).answer(question_for(scenario)):
            events.append(event)
    except DialogueError as exc:
        return Asked(events, exc)
    return Asked(events, None)


class KnowledgeBaseContract:
    """What the dialogue engine relies on: exactly one ``PassagesFound``, then deltas only when
    confident, then one ``AnswerFinished``; failures as the dialogue's own errors."""

    @pytest.fixture
    def knowledge_base(self) -> KnowledgeFactory:
        raise NotImplementedError("each implementation's test class provides its knowledge base")

    async def test_an_answer_streams_between_the_passages_and_the_finish(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.ANSWERS)
        assert asked.error is None
        kinds = asked.kinds()
        assert kinds[0] is PassagesFound and kinds[-1] is AnswerFinished
        assert set(kinds[1:-1]) == {AnswerDelta}, "one or more deltas, nothing else in between"
        assert asked.found.confident and asked.found.passages
        finished = asked.finished
        assert finished.text and "".join(d.text for d in asked.deltas).strip() == finished.text
        assert finished.grounded and not finished.abstained and not finished.curated

    async def test_an_answer_cites_only_passages_it_was_given(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.ANSWERS)
        found = {p.doc_id for p in asked.found.passages}
        assert ANSWERING_DOC in found
        cited = {source.doc_id for source in asked.finished.cited}
        assert cited and cited <= found

    async def test_nothing_found_finishes_at_once_without_an_answer(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.NOTHING_FOUND)
        assert asked.error is None
        assert asked.kinds() == [PassagesFound, AnswerFinished]
        assert not asked.found.confident
        assert (asked.finished.text, asked.finished.cited) == ("", ())
        assert not asked.finished.abstained and not asked.finished.curated

    async def test_an_abstention_shows_the_customer_nothing(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.ABSTAINS)
        assert asked.error is None
        assert asked.kinds() == [PassagesFound, AnswerFinished], "not a word streamed"
        assert asked.found.confident
        assert asked.finished.abstained and asked.finished.text == ""

    async def test_an_invented_figure_is_streamed_but_not_grounded(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.INVENTS_A_FIGURE)
        assert asked.error is None and asked.deltas
        assert "12345" in asked.finished.text
        assert not asked.finished.grounded and not asked.finished.abstained

    async def test_a_failed_draft_becomes_the_line_that_answers_with_its_source(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.QUOTED)
        assert asked.error is None and asked.deltas, "the draft was streamed"
        finished = asked.finished
        assert "12345" in "".join(d.text for d in asked.deltas)
        assert "12345" not in finished.text and "99" in finished.text
        assert finished.quoted and finished.grounded and not finished.abstained
        assert [source.doc_id for source in finished.cited] == [ANSWERING_DOC]

    async def test_a_curated_answer_is_marked_and_cites_what_was_found(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.CURATED)
        assert asked.error is None
        finished = asked.finished
        assert finished.curated and finished.grounded and not finished.abstained
        assert "".join(d.text for d in asked.deltas).strip() == finished.text != ""
        cited = {source.doc_id for source in finished.cited}
        assert cited and cited <= {p.doc_id for p in asked.found.passages}

    async def test_a_store_outage_is_knowledge_unavailable_before_any_event(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.STORE_DOWN)
        assert isinstance(asked.error, KnowledgeUnavailable)
        assert asked.events == []

    async def test_a_model_outage_is_model_unavailable_after_the_passages(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        asked = await ask(knowledge_base, Scenario.MODEL_DOWN)
        assert isinstance(asked.error, ModelUnavailable)
        assert asked.kinds() == [PassagesFound] and asked.found.confident


class KnowledgeSearchContract:
    """What the operators' desk relies on when an operator looks something up."""

    @pytest.fixture
    def knowledge_base(self) -> KnowledgeFactory:
        raise NotImplementedError("each implementation's test class provides its knowledge base")

    async def test_search_finds_what_a_question_is_about_at_most_k(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        searchable = knowledge_base(Scenario.ANSWERS)
        three = await searchable.search(ANSWERED, 3)
        assert 1 <= len(three) <= 3
        assert ANSWERING_DOC in {p.doc_id for p in three}
        assert len(await searchable.search(ANSWERED, 1)) == 1

    async def test_a_store_outage_is_knowledge_unavailable(
        self, knowledge_base: KnowledgeFactory
    ) -> None:
        with pytest.raises(KnowledgeUnavailable):
            await knowledge_base(Scenario.STORE_DOWN).search(ANSWERED, 3)


# --- the fake ------------------------------------------------------------------------------

SBP_PASSAGE = Passage("faq-contract", "Частые вопросы", CURATED_QUESTION, 0.95)


def fake_for(scenario: Scenario) -> FakeKnowledgeBase:
    match scenario:
        case Scenario.ANSWERS:
            return FakeKnowledgeBase(answer_text=ANSWER)
        case Scenario.NOTHING_FOUND:
            return FakeKnowledgeBase(confident=False)
        case Scenario.ABSTAINS:
            return FakeKnowledgeBase(abstain=True)
        case Scenario.INVENTS_A_FIGURE:
            return FakeKnowledgeBase(answer_text=INVENTED, grounded=False)
        case Scenario.QUOTED:
            return FakeKnowledgeBase(answer_text=INVENTED, quote=QUOTE)
        case Scenario.CURATED:
            text = "Переводы через СБП бесплатные до 100 000 ₽ в календарный месяц."
            return FakeKnowledgeBase(answer_text=text, passages=(SBP_PASSAGE,), curated=True)
        case Scenario.STORE_DOWN:
            return FakeKnowledgeBase(fail=KnowledgeUnavailable)
        case Scenario.MODEL_DOWN:
            return FakeKnowledgeBase(fail=ModelUnavailable)


class TestFakeKnowledgeBase(KnowledgeBaseContract, KnowledgeSearchContract):
    @pytest.fixture
    def knowledge_base(self) -> KnowledgeFactory:
        return fake_for

    def test_a_confident_fake_needs_passages_to_answer_from(self) -> None:
        with pytest.raises(ValueError, match="needs passages"):
            FakeKnowledgeBase(passages=())

    async def test_it_records_what_it_was_asked(self) -> None:
        fake = FakeKnowledgeBase()
        question = question_for(Scenario.ANSWERS)
        _ = [event async for event in fake.answer(question)]
        await fake.search("лимит СБП", 2)
        assert (fake.questions, fake.searches) == ([question], ["лимит СБП"])


# --- the real one --------------------------------------------------------------------------

REPLIES = {
    Scenario.ABSTAINS: "NO_ANSWER",
    Scenario.INVENTS_A_FIGURE: INVENTED,
    Scenario.QUOTED: INVENTED,
}
# In these the lines are never sure enough to quote: the model's verdict stands.
UNQUOTABLE = AnswerPolicy(quote_coverage=1.01)


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> Iterator[KnowledgeStore]:
    """Three of the sample bank's documents and one curated FAQ entry, in local Qdrant."""
    documents = tmp_path_factory.mktemp("documents")
    for name in ("cards-debit-fees.md", "transfers-sbp.md", "deposits.md"):
        shutil.copy(KB_DIR / name, documents / name)
    (documents / "faq-contract.faq.yaml").write_text(SBP_FAQ, encoding="utf-8")
    path: Path = tmp_path_factory.mktemp("qdrant")
    knowledge = KnowledgeStore(open_client(url=None, path=path), "kb", use_embeddings)
    Ingestor(knowledge).ingest_dir(documents)
    yield knowledge
    knowledge.close()


@dataclass
class RagSetup:
    """How the real knowledge base is put together for one test, and its scripted model."""

    store: KnowledgeStore
    embeddings: UniversalSentenceEncoderEmbeddings
    absent_servers: list[QdrantClient]

    def build(
        self, scenario: Scenario, policy: AnswerPolicy | None = None, stall_s: float = 0.0
    ) -> tuple[RagKnowledgeBase, ScriptedChatModel]:
        chat = ScriptedChatModel(
            reply=REPLIES.get(scenario, ANSWER),
            fail=scenario is Scenario.MODEL_DOWN,
            stall_s=stall_s,
        )
        store = self.store
        if scenario is Scenario.STORE_DOWN:
            client = QdrantClient(url=f"http://127.0.0.1:{free_port()}", check_compatibility=False)
            self.absent_servers.append(client)
            store = KnowledgeStore(client, "kb", self.embeddings)
        if policy is None and scenario in (Scenario.ABSTAINS, Scenario.INVENTS_A_FIGURE):
            policy = UNQUOTABLE
        answerer = GroundedAnswerer(store, chat, policy)
        return RagKnowledgeBase(answerer, store), chat


class TestRagKnowledgeBase(KnowledgeBaseContract, KnowledgeSearchContract):
    @pytest.fixture
    def rag(
        self, store: KnowledgeStore, use_embeddings: UniversalSentenceEncoderEmbeddings
    ) -> Iterator[RagSetup]:
        setup = RagSetup(store, use_embeddings, [])
        yield setup
        for client in setup.absent_servers:
            client.close()

    @pytest.fixture
    def knowledge_base(self, rag: RagSetup) -> KnowledgeFactory:
        return lambda scenario: rag.build(scenario)[0]

    async def test_the_model_is_not_asked_when_nothing_is_found_or_an_entry_answers(
        self, rag: RagSetup
    ) -> None:
        for scenario in (Scenario.NOTHING_FOUND, Scenario.CURATED):
            knowledge, chat = rag.build(scenario)
            _ = [event async for event in knowledge.answer(question_for(scenario))]
            assert chat.prompts == [], scenario

    async def test_a_stalled_model_is_model_unavailable(self, rag: RagSetup) -> None:
        knowledge, _ = rag.build(
            Scenario.ANSWERS, AnswerPolicy(first_token_timeout_s=0.3), stall_s=5.0
        )
        with pytest.raises(ModelUnavailable):
            _ = [event async for event in knowledge.answer(question_for(Scenario.ANSWERS))]

    async def test_the_conversation_so_far_reaches_the_model(self, rag: RagSetup) -> None:
        knowledge, chat = rag.build(Scenario.ANSWERS)
        question = KnowledgeQuestion(
            "а для пенсионеров?",
            f"{ANSWERED} а для пенсионеров?",
            "ru",
            (ChatTurn(Role.CUSTOMER, ANSWERED), ChatTurn(Role.BOT, "99 ₽ в месяц.")),
        )
        _ = [event async for event in knowledge.answer(question)]
        prompt = str(chat.prompts[0][-1].content)
        assert f"Клиент: {ANSWERED}" in prompt and "Ассистент: 99 ₽ в месяц." in prompt
        assert "а для пенсионеров?" in prompt

    async def test_a_cited_source_names_the_version_that_was_indexed(self, rag: RagSetup) -> None:
        knowledge, _ = rag.build(Scenario.ANSWERS)
        events = [event async for event in knowledge.answer(question_for(Scenario.ANSWERS))]
        finished = events[-1]
        assert isinstance(finished, AnswerFinished)
        indexed = rag.store.indexed_documents()[ANSWERING_DOC].content_hash
        versions = {s.version for s in finished.cited if s.doc_id == ANSWERING_DOC}
        assert versions == {indexed[:12]}
