from __future__ import annotations

import pytest

from rag.grounding import MarkerFilter, cite, lexical_support
from rag.store import ScoredChunk


def chunk(doc_id: str, text: str, score: float = 0.6) -> ScoredChunk:
    return ScoredChunk(doc_id, doc_id, None, text, "ru", score)


def feed_all(pieces: list[str]) -> tuple[str, MarkerFilter]:
    marker = MarkerFilter()
    return "".join(marker.feed(p) for p in pieces), marker


def test_marker_is_never_shown() -> None:
    shown, marker = feed_all(["NO", "_ANS", "WER"])
    assert shown == ""
    assert marker.abstained
    assert marker.answer == ""


def test_marker_with_leading_space_is_held() -> None:
    shown, marker = feed_all([" ", "NO_", "ANSWER", "\n"])
    assert shown == ""
    assert marker.abstained


def test_ordinary_answer_streams_through() -> None:
    shown, marker = feed_all(["Обслуживание", " стоит", " 99 ₽."])
    assert shown == "Обслуживание стоит 99 ₽."
    assert not marker.abstained


def test_answer_starting_like_the_marker_is_released() -> None:
    shown, marker = feed_all(["No", " fee applies."])
    assert shown == "No fee applies."
    assert not marker.abstained


def test_the_faq_answer_label_is_not_part_of_the_answer() -> None:
    _, marker = feed_all(["Ответ: ", "Детскую карту можно оформить с 6 лет."])
    assert marker.answer == "Детскую карту можно оформить с 6 лет."


def test_marker_after_text_counts_as_abstention() -> None:
    _, marker = feed_all(["Не знаю. ", "NO_ANSWER"])
    assert marker.abstained
    assert marker.answer == "Не знаю."


def test_citations_prefer_the_passage_the_answer_uses() -> None:
    passages = [
        chunk("sbp", "Переводы по СБП бесплатны до 100 000 ₽ в месяц.", 0.7),
        chunk("fees", "Обслуживание карты Классика стоит 99 ₽ в месяц.", 0.6),
    ]
    cited = cite("Обслуживание карты Классика стоит 99 ₽.", passages)
    assert cited[0].doc_id == "fees"
    assert cite("", []) == []


def test_lexical_support_flags_answers_not_drawn_from_the_passages() -> None:
    passages = [
        chunk(
            "fees",
            "Обслуживание карты «Классика» стоит 99 ₽ в месяц. "
            "Пенсионерам обслуживание бесплатное.",
        )
    ]
    drawn = lexical_support(
        "Обслуживание карты «Классика» стоит 99 ₽ в месяц, для пенсионеров бесплатно.",
        passages,
        "сколько стоит карта",
    )
    invented = lexical_support(
        "ИП может получать расчётный счёт на базе тарифов, которые "
        "определяются законодательством вашего региона.",
        passages,
        "",
    )
    assert drawn is not None and drawn >= 0.8
    assert invented is not None and invented < 0.3


def test_lexical_support_skips_short_and_cross_language_answers() -> None:
    passages = [chunk("fees", "Обслуживание карты «Классика» стоит 99 ₽ в месяц.")]
    assert lexical_support("99 ₽ в месяц", passages, "") is None
    assert (
        lexical_support("The Classic card costs 99 rubles a month to maintain.", passages, "")
        is None
    )


@pytest.mark.parametrize("garbled", ["Ответ: НЕ_ANSWER", "NO ANSWER", "Нет_ANSWER", "no_answer"])
def test_a_garbled_marker_is_still_an_abstention(garbled: str) -> None:
    marker = MarkerFilter()
    marker.feed(garbled)
    assert marker.abstained and "ANSWER" not in marker.answer.upper()


def test_the_words_no_answer_in_an_answer_are_not_the_marker() -> None:
    marker = MarkerFilter()
    marker.feed("If there is no answer within 15 days, write to the Bank of Russia.")
    assert not marker.abstained
