"""Colloquial spellings are normalised for search and intents; stored text stays as typed."""

from __future__ import annotations

import pytest

from bot.dialogue.engine import DialogueEngine
from bot.dialogue.models import IncomingMessage
from bot.dialogue.sinks import RecordingSink
from bot.dialogue.spelling import normalize
from bot.knowledge import FakeKnowledgeBase
from bot.storage.memory import MemoryConversationStore
from prompts import default_library


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("када следущий платеж по кридиту и скока", "когда следующий платеж по кредиту и сколько"),
        ("какой льготный период по кридитке", "какой льготный период по кредитной карте"),
        ("Скока стоит", "сколько стоит"),
        ("Сколько стоит СБП перевод", "Сколько стоит СБП перевод"),
    ],
)
def test_normalize(typed: str, searched: str) -> None:
    assert normalize(typed) == searched


async def test_the_kb_searches_normalised_words_and_the_transcript_keeps_the_typed_ones() -> None:
    store, kb = MemoryConversationStore(), FakeKnowledgeBase()
    engine = DialogueEngine(store, kb, default_library())
    conversation = await engine.start_conversation()
    await engine.handle(
        IncomingMessage(conversation.id, "какой льготный период по кридитке"), RecordingSink()
    )
    assert kb.questions[0].search_query == "какой льготный период по кредитной карте"
    assert kb.questions[0].text == "какой льготный период по кридитке"
    stored = await store.list_messages(conversation.id)
    assert stored[0].text == "какой льготный период по кридитке"


def test_a_colloquial_knowledge_question_is_not_an_account_question() -> None:
    """«первоначалка» is the down payment (a rule of the bank), not the customer's payment."""
    assert normalize("первоначалка по ипотеке скока") == "первоначальный взнос по ипотеке сколько"
