from __future__ import annotations

import pytest

from bot.dialogue.language import detect_language
from bot.dialogue.routing import Intent, is_follow_up, route_message


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Привет!", Intent.GREETING),
        ("Здравствуйте", Intent.GREETING),
        ("добрый день", Intent.GREETING),
        ("hi there", Intent.GREETING),
        ("доброе утро 🙂", Intent.GREETING),
        ("привет))", Intent.GREETING),
        ("спасибо, вы очень помогли", Intent.THANKS),
        ("Thank you!", Intent.THANKS),
        ("позовите оператора", Intent.HUMAN_REQUEST),
        ("хочу поговорить с живым человеком", Intent.HUMAN_REQUEST),
        ("I want to speak to a human", Intent.HUMAN_REQUEST),
        ("какая завтра погода в Москве?", Intent.OUT_OF_SCOPE),
        ("напиши стих про осень", Intent.OUT_OF_SCOPE),
        ("за кого голосовать на выборах?", Intent.OUT_OF_SCOPE),
        ("what's the weather tomorrow", Intent.OUT_OF_SCOPE),
        ('переведи на китайский фразу "где находится вокзал"', Intent.OUT_OF_SCOPE),
        ("translate 'good morning' into Russian", Intent.OUT_OF_SCOPE),
        ("переведи 5000 на карту маме", Intent.KNOWLEDGE),
        ("Сколько стоит обслуживание карты?", Intent.KNOWLEDGE),
        ("привет, сколько стоит перевод по СБП?", Intent.KNOWLEDGE),
        ("спасибо, а какой лимит по карте?", Intent.KNOWLEDGE),
        ("рецепт успеха: какой процент по вкладу?", Intent.KNOWLEDGE),
        ("какой счет в матче спартак цска", Intent.OUT_OF_SCOPE),
        ("как открыть счёт в рублях?", Intent.KNOWLEDGE),
    ],
)
def test_routes(text: str, intent: Intent) -> None:
    assert route_message(text).intent is intent


def test_follow_up_detection() -> None:
    assert is_follow_up("а для пенсионеров?")
    assert is_follow_up("what about pensioners?")
    assert not is_follow_up("Сколько стоит перевыпуск карты при утере?")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Сколько стоит карта?", "ru"),
        ("How much is the card?", "en"),
        ("SWIFT перевод", "ru"),
        ("12345", "ru"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
