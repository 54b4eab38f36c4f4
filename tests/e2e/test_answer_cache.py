"""The answer cache in the running product: `perimeter serve` with a model server (the Ollama
double, which counts what it is asked), an editor publishing through the admin API, and
customers asking over the web chat's HTTP API.

A question asked again in other words is answered without the model, with its sources; a
question with personal data in it never is; publishing a new version of the cited document
drops the cached answer, so the next customer gets the new figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support.console import PASSWORD, add_staff
from tests.support.doubles.ollama_server import OllamaDoubleConfig, run_ollama_double_in_thread
from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import ask

MODEL = "qwen2.5:7b-instruct-q4_K_M"
SETTINGS = {"llm__backend": "ollama", "llm__model": MODEL}
HEADERS = {"X-Requested-With": "perimeter-admin"}
DOC_V1 = """---
id: safe-deposit
title: Банковские ячейки
lang: ru
tags: [safe-deposit]
---
# Банковские ячейки

Аренда банковской ячейки стоит 1 500 ₽ в месяц в любом отделении с кассой. Ячейку можно
арендовать на срок от одного месяца, договор заключается в отделении по паспорту.
"""
DOC_V2 = DOC_V1.replace("1 500 ₽", "1 900 ₽")
ANSWER_V1 = "Аренда банковской ячейки стоит 1 500 ₽ в месяц в любом отделении с кассой."
ANSWER_V2 = ANSWER_V1.replace("1 500 ₽", "1 900 ₽")


@pytest.fixture(scope="module")
def model() -> OllamaDoubleConfig:
    return OllamaDoubleConfig(models=[MODEL], reply=ANSWER_V1)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, model: OllamaDoubleConfig
) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("cache")
    with run_ollama_double_in_thread(model) as ollama:
        settings = {**SETTINGS, "llm__ollama_host": ollama}
        add_staff(data, "olga", "editor", "Ольга", **settings)
        with perimeter_server(data, **settings) as running:
            yield running


def metric(server: RunningServer, name: str, labels: str) -> float:
    text = httpx.get(f"{server.base_url}/metrics", timeout=10).text
    selector = f"{name}{{{labels}}}" if labels else name
    found = re.search(rf"^{re.escape(selector)} (\S+)$", text, re.MULTILINE)
    assert found, f"{selector} not exported"
    return float(found.group(1))


def test_a_question_asked_again_is_answered_from_the_cache_until_its_document_changes(
    server: RunningServer, model: OllamaDoubleConfig
) -> None:
    olga = httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=120)
    assert olga.post("/admin/api/login", json={"name": "olga", "password": PASSWORD}).is_success
    uploaded = olga.post("/admin/api/documents", files={"file": ("ячейки.md", DOC_V1.encode())})
    assert uploaded.status_code == 201, uploaded.text
    published = olga.post(
        "/admin/api/documents/safe-deposit/versions/1/publish", json={"expected_published": None}
    )
    assert published.status_code == 200, published.text

    first = ask(server.base_url, "Сколько стоит аренда банковской ячейки?")
    assert first["route"] == "answer" and "1 500 ₽" in first["text"], first
    assert not first["cached"]
    written = len(model.requests)
    assert written >= 1

    again = ask(server.base_url, "подскажите пожалуйста, сколько стоит аренда банковской ячейки")
    assert again["cached"] and again["text"] == first["text"]
    assert [s["id"] for s in again["sources"]] == ["safe-deposit"]
    assert len(model.requests) == written, "the model was not asked again"
    assert metric(server, "perimeter_knowledge_answers_total", 'outcome="cache"') >= 1
    assert metric(server, "perimeter_answer_cache_lookups_total", 'result="hit"') >= 1

    # Personal data in the question: the answer is written for this customer alone.
    mine = ask(
        server.base_url, "Пишу с ivan.petrov@mail.ru: сколько стоит аренда банковской ячейки?"
    )
    assert mine["route"] == "answer" and not mine["cached"]
    assert len(model.requests) == written + 1

    edited = olga.put("/admin/api/documents/safe-deposit/draft", json={"text": DOC_V2})
    assert edited.status_code == 201, edited.text
    assert olga.post(
        "/admin/api/documents/safe-deposit/versions/2/publish", json={"expected_published": 1}
    ).is_success
    model.reply = ANSWER_V2
    after = ask(server.base_url, "Сколько стоит аренда банковской ячейки?")
    assert not after["cached"] and "1 900 ₽" in after["text"], after
    assert len(model.requests) == written + 2
    assert metric(server, "perimeter_answer_cache_invalidations_total", "") >= 1
    olga.close()
