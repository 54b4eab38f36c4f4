"""The careful reader: lines from passages, ranked against the question; the verifier that
keeps a wrong row's figure out of an answer; the quote that stands in for a failed draft."""

from __future__ import annotations

from rag.reading import (
    amount_range,
    expand_question,
    figures,
    names_in,
    read,
    render_quote,
    sentences,
    split_units,
)
from rag.store import ScoredChunk

DEPOSITS = ScoredChunk(
    "deposits",
    "Вклады",
    "Ставки по вкладу «Надёжный»",
    "Вклад «Надёжный» нельзя пополнять. Ставки по вкладу «Надёжный» (годовых):\n\n"
    "| Срок | Ставка |\n|---|---|\n| 3 месяца | 16% |\n| 6 месяцев | 18% |\n"
    "| 12 месяцев | 17% |\n| 24 месяца | 14% |\n\n"
    "Минимальная сумма вклада — 10 000 ₽.",
    "ru",
    0.5,
)
BRANCHES = ScoredChunk(
    "branches",
    "Отделения и часы работы",
    None,
    "Отделение в Казани: ул. Баумана, д. 33, пн–пт с 9:00 до 19:00, сб с 10:00 до 15:00.\n"
    "Отделение в Самаре: ул. Ленинградская, д. 5, пн–пт с 10:00 до 20:00, сб — выходной.\n"
    "Отделение в Тольятти: ул. Мира, д. 12, пн–пт с 8:00 до 17:00, сб с 9:00 до 14:00.",
    "ru",
    0.5,
)
CARD = ScoredChunk(
    "cards",
    "Карты",
    None,
    "Обслуживание карты «Классика» стоит 99 ₽ в месяц. Перевыпуск карты стоит 300 ₽.",
    "ru",
    0.5,
)


def test_a_table_row_stands_alone_with_its_header_and_caption() -> None:
    rows = [u for u in split_units(DEPOSITS, 0) if u.row]
    assert [u.text for u in rows][1] == "Срок: 6 месяцев; Ставка: 18%"
    assert rows[1].lead == "Ставки по вкладу «Надёжный» (годовых)"
    assert {"надежный", "ставка", "6", "месяц"} <= rows[1].terms
    assert "надежный" in rows[1].names


def test_abbreviations_do_not_end_a_sentence() -> None:
    line = "Отделение: ул. Баумана, д. 33. Работает до 19:00. Адрес: г. Казань."
    assert sentences(line) == [
        "Отделение: ул. Баумана, д. 33.",
        "Работает до 19:00.",
        "Адрес: г. Казань.",
    ]


def test_the_question_spells_out_what_it_implies() -> None:
    assert "6 месяцев" in expand_question("вклад на полгода")
    assert "12 месяцев" in expand_question("ставка на год")
    assert "500000" in expand_question("если положить 500к")
    assert "сб" in expand_question("работаете в субботу?")


def test_names_are_products_in_quotes_and_places() -> None:
    assert names_in("Отделение в Казани на ул. Баумана") >= {"казань"}
    assert "надежный" in names_in("вклад «Надёжный»")
    assert not names_in("Вклад можно открыть в приложении")


def test_the_row_of_the_asked_term_comes_first_and_its_neighbours_fail_the_check() -> None:
    reading = read("какая ставка по надежному на год", [DEPOSITS])
    assert reading.answering()[0].unit.text == "Срок: 12 месяцев; Ставка: 17%"
    assert reading.check("Ставка по вкладу «Надёжный» на 12 месяцев — 17% годовых.", "ru") == []
    problems = reading.check("Ставка по вкладу на год — 18% годовых.", "ru")
    assert problems and "18" in problems[0], "the 6-month rate for a 12-month question"


def test_the_office_asked_about_supplies_the_hours() -> None:
    reading = read("до скольки работает отделение в самаре", [BRANCHES])
    assert "Самаре" in reading.answering()[0].unit.text
    assert reading.check("Отделение в Самаре работает с 10:00 до 20:00.", "ru") == []
    assert reading.check("Отделение в Самаре работает с 9:00 до 19:00.", "ru")


def test_figures_are_normalised() -> None:
    assert figures("от 30 000 ₽ и 14,5% и 1 400 000") == {"30000", "14.5", "1400000"}


def test_an_invented_figure_fails_and_the_questions_own_does_not() -> None:
    reading = read("сколько стоит обслуживание карты классика", [CARD])
    assert reading.check("Обслуживание стоит 99 ₽ в месяц.", "ru") == []
    assert "149" in reading.check("Обслуживание стоит 149 ₽ в месяц.", "ru")[0]
    assert reading.check("Шаг 1: откройте приложение и оплатите 99 ₽.", "ru") == []
    asked = read("а если на карте 5000, сколько стоит обслуживание", [CARD])
    assert asked.check("При 5000 ₽ обслуживание стоит 99 ₽.", "ru") == []


def test_a_paraphrased_figure_is_the_same_figure() -> None:
    reading = read("минимальная сумма вклада надежный", [DEPOSITS])
    assert reading.check("Минимальная сумма вклада — 10 тыс. рублей.", "ru") == []
    assert reading.check("The minimum deposit is RUB 10,000.", "en") == []
    assert reading.check("Минимальная сумма вклада — 15 тыс. рублей.", "ru")


def test_an_answer_must_be_a_sentence_in_the_customers_language() -> None:
    reading = read("сколько стоит обслуживание карты классика", [CARD])
    assert reading.check("99", "ru") == ["not a sentence"]
    assert reading.check("YES", "ru") == ["not a sentence"]
    assert reading.check("The Classic card costs 99 roubles a month.", "ru") == ["another language"]


def test_a_confident_line_with_the_asked_figure_is_quoted_with_its_source() -> None:
    reading = read("сколько стоит перевыпуск карты", [CARD])
    quoted = reading.quote("ru")
    assert quoted is not None and "300" in quoted.unit.text
    text = render_quote(quoted, "ru")
    assert text.startswith("Вот что об этом сказано в разделе «Карты»:") and "300 ₽" in text
    assert reading.quote("en") is None, "a Russian line is no answer to an English question"


def test_a_row_is_quoted_as_a_sentence() -> None:
    reading = read("ставка надежный на 6 месяцев", [DEPOSITS])
    quoted = reading.quote("ru")
    assert quoted is not None
    assert render_quote(quoted, "ru").endswith(
        "Ставки по вкладу «Надёжный» (годовых): Срок — 6 месяцев, Ставка — 18%."
    )


def test_a_terse_answer_is_said_by_the_line_that_states_its_figure() -> None:
    reading = read("до скольки работает отделение", [BRANCHES])
    line = reading.stating("до 20:00", "ru")
    assert line is not None and "Самаре" in line.unit.text
    assert reading.stating("до 23:00", "ru") is None, "no line states it: no sentence for it"
    assert reading.stating("Да", "ru") is None


def test_no_quote_for_a_question_without_a_figure_or_with_several_equal_answers() -> None:
    assert read("можно ли пополнять вклад надежный", [DEPOSITS]).quote("ru") is None
    # Three offices answer «до скольки работает отделение» alike, with other hours: no quote.
    assert read("до скольки работает отделение", [BRANCHES]).quote("ru") is None


def test_the_dense_similarity_joins_the_ranking_when_given() -> None:
    def similarity(question: str, lines: list[str]) -> list[float]:
        return [1.0 if "Тольятти" in line else 0.0 for line in lines]

    reading = read("где отделение", [BRANCHES], similarity)
    assert "Тольятти" in reading.ranked[0].unit.text
    assert reading.ranked[0].similarity == 1.0


def test_a_bare_yes_is_said_by_the_line_that_answers() -> None:
    reading = read("можно ли пополнять вклад надежный", [DEPOSITS])
    assert reading.quote("ru") is None, "no figure asked: nothing to quote on its own"
    quoted = reading.quote("ru", replied=True)
    assert quoted is not None and quoted.unit.text == "Вклад «Надёжный» нельзя пополнять."
    # A bare word about a question no line covers well is not quoted.
    assert read("можно ли открыть ячейку в казани", [DEPOSITS]).quote("ru", replied=True) is None


def test_an_amount_in_shorthand_does_not_single_out_its_bare_number() -> None:
    reading = read("сколько стоит обслуживание классики если на карте 300 тыс", [CARD])
    assert reading.selecting_figures == frozenset()
    assert "99" in reading.answering()[0].unit.text
    assert "300000" in reading.question_figures


RATES_BY_AMOUNT = ScoredChunk(
    "deposits",
    "Вклады",
    "Вклад «Прилив»",
    "| Срок | 50 000 – 499 999 ₽ | 500 000 – 1 499 999 ₽ | от 1 500 000 ₽ |\n|---|---|---|---|\n"
    "| 6 месяцев | 14,0% | 14,3% | 14,6% |\n| 12 месяцев | 13,6% | 13,9% | 14,2% |",
    "ru",
    0.3,
)
SAVINGS = ScoredChunk(
    "savings",
    "Накопительный счёт",
    "Ставки",
    "| Остаток на счёте | Ставка |\n|---|---|\n| до 99 999,99 ₽ | 9% |\n"
    "| от 100 000 до 999 999,99 ₽ | 11% |\n| от 1 000 000 ₽ | 12,5% |",
    "ru",
    0.3,
)


def test_the_column_of_the_named_amount_is_the_only_one_read() -> None:
    reading = read("под скок процентов прилив на год если 700к положить", [RATES_BY_AMOUNT])
    best = reading.answering()[0].unit
    assert best.text == "Срок: 12 месяцев; 500 000 – 1 499 999 ₽: 13,9%"
    assert reading.check("Ставка на 12 месяцев — 13,9% годовых.", "ru") == []
    assert reading.check("Ставка на 12 месяцев — 14,2% годовых.", "ru"), "another amount's column"
    # Without an amount the row stays whole.
    whole = read("ставка прилив на год", [RATES_BY_AMOUNT]).answering()[0].unit
    assert {"13.6", "13.9", "14.2"} <= whole.figures


def test_the_row_of_the_named_amount_answers() -> None:
    reading = read("какой процент на накопительном счете если там 300 тыс", [SAVINGS])
    assert [s.unit.text for s in reading.answering()] == [
        "Остаток на счёте: от 100 000 до 999 999,99 ₽; Ставка: 11%"
    ]
    assert reading.check("При остатке 300 000 ₽ ставка — 9% годовых.", "ru")
    assert reading.check("При остатке 300 000 ₽ ставка — 11% годовых.", "ru") == []


def test_ranges_of_money_and_not_of_time() -> None:
    assert amount_range("500 000 – 1 499 999 ₽") == (500000.0, 1499999.0)
    assert amount_range("от 100 000 до 999 999,99 ₽") == (100000.0, 999999.99)
    assert amount_range("до 99 999 ₽") == (0.0, 99999.0)
    assert amount_range("от 1 500 000 ₽")[0] == 1500000.0  # type: ignore[index]
    assert amount_range("up to 50,000 RUB") == (0.0, 50000.0)
    assert amount_range("от 3 до 12 месяцев") is None
    assert amount_range("3 месяца (91 день)") is None


TARIFFS = ScoredChunk(
    "business",
    "Тарифы для бизнеса",
    "Тарифные планы",
    "| Условие | Старт | Оборот | Магистраль |\n|---|---|---|---|\n"
    "| Обслуживание в месяц | 0 ₽ | 1 490 ₽ | 4 990 ₽ |\n"
    "| Торговый эквайринг | 1,9% | 1,7% | 1,4% |",
    "ru",
    0.3,
)


def test_the_column_of_the_named_tariff_is_the_only_one_read() -> None:
    reading = read("эквайринг на магистрали какой процент?", [TARIFFS])
    assert reading.answering()[0].unit.text == "Условие: Торговый эквайринг; Магистраль: 1,4%"
    assert reading.check("Эквайринг на тарифе «Магистраль» — 1,4%.", "ru") == []
    assert reading.check("Эквайринг на тарифе «Магистраль» — 1,7%.", "ru"), "Оборот's column"
    # Two tariffs named: both columns stay; none named: the whole row.
    both = read("эквайринг старт или оборот", [TARIFFS]).answering()[0].unit
    assert {"1.9", "1.7"} <= both.figures and "1.4" not in both.figures
    assert {"1.9", "1.7", "1.4"} <= read("сколько стоит эквайринг", [TARIFFS]).ranked[
        0
    ].unit.figures


def test_a_row_copied_as_shown_is_not_a_sentence() -> None:
    reading = read("ставка надежный на 6 месяцев", [DEPOSITS])
    assert reading.check("Срок: 6 месяцев; Ставка: 18%", "ru") == ["not a sentence"]
    assert reading.check("На 6 месяцев ставка — 18%; пополнять нельзя.", "ru") == []


def test_a_bare_yes_about_something_no_line_names_is_not_quoted() -> None:
    reading = read("можно ли у вас оформить осаго для вклада", [DEPOSITS, CARD])
    assert "осаго" in reading.absent
    assert reading.quote("ru", replied=True) is None
    assert reading.stating("99 ₽", "ru") is None
