"""Curated FAQ answers without the language model: `perimeter serve` on the sample KB (with
its FAQ file) and a language model that cannot be reached. A question close to an FAQ entry
is answered at once, as written, with its source; any other question needs the model."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import ask


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with perimeter_server(
        tmp_path_factory.mktemp("faq"),
        llm__backend="openai",
        llm__openai_base_url="http://127.0.0.1:9/v1",
        llm__model="unreachable",
        llm__timeout_s="5",
        retrieval__faq_min_score="0.6",
    ) as running:
        yield running


def test_a_question_matching_an_faq_entry_gets_the_curated_answer_without_the_model(
    server: RunningServer,
) -> None:
    reply = ask(server.base_url, "Сколько стоит обслуживание дебетовой карты в месяц?")
    assert reply["route"] == "answer"
    assert str(reply["text"]).startswith("Обслуживание дебетовой карты «Классика» стоит 99 ₽")
    sources = json.loads(json.dumps(reply["sources"]))
    # The entry, then the document that states its figures (the whole rule is there).
    assert [s["id"] for s in sources] == ["faq-popular", "cards-debit-fees"]
    assert sources[0]["section"] == "Сколько стоит обслуживание дебетовой карты «Классика»?"


def test_other_questions_still_need_the_model(server: RunningServer) -> None:
    reply = ask(server.base_url, "Какие документы нужны для ипотеки?")
    assert reply["route"] == "handoff" and "временно недоступен" in str(reply["text"])
