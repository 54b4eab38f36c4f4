"""Prompts and customer texts: present in both languages, strict, and snapshot-tested."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from prompts import LANGUAGES, PromptLibrary, PromptNotFound, default_library
from rag.store import ScoredChunk

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "prompts"
VALUES: dict[str, dict[str, object]] = {
    "system": {"marker": "NO_ANSWER"},
    "answer": {
        "passages": [
            ScoredChunk(
                "cards-debit-fees",
                "Обслуживание дебетовых карт",
                "Стоимость",
                "Карта «Классика» стоит 99 ₽ в месяц.",
                "ru",
                0.71,
            ),
            ScoredChunk(
                "cards-debit-fees",
                "Обслуживание дебетовых карт",
                None,
                "Пенсионерам — бесплатно.",
                "ru",
                0.55,
            ),
        ],
        "history": [
            {"role": "customer", "text": "Сколько стоит карта?"},
            {"role": "bot", "text": "99 ₽ в месяц."},
        ],
        "lines": ["Пенсионерам — бесплатно."],
        "question": "а для пенсионеров?",
    },
    "error_too_long": {"limit": 4000},
    "error_rate_limited": {"seconds": 42},
    "utter_balance": {
        "accounts": [
            {"type": "current", "currency": "RUB", "balance": "48210.75", "last4": "2345"},
            {"type": "credit_card", "currency": "RUB", "balance": "-18300.00", "last4": "2222"},
            {"type": "current", "currency": "USD", "balance": "310.00", "last4": "1111"},
        ]
    },
    "utter_next_payment": {
        "loans": [
            {
                "product": "consumer",
                "currency": "RUB",
                "date": "2026-12-05",
                "amount": "14870.00",
                "overdue": False,
                "overdue_amount": "0.00",
            },
            {
                "product": "mortgage",
                "currency": "RUB",
                "date": "2026-12-01",
                "amount": "52340.00",
                "overdue": True,
                "overdue_amount": "52340.00",
            },
        ]
    },
    "utter_card_status": {
        "cards": [
            {"last4": "0417", "status": "active", "product": "debit"},
            {"last4": "9921", "status": "blocked", "product": "credit"},
        ]
    },
    "utter_recent_transactions": {
        "transactions": [
            {
                "date": "2026-11-24",
                "amount": "-14870.00",
                "currency": "RUB",
                "description": "Платёж по кредиту",
            },
            {
                "date": "2026-11-22",
                "amount": "65000.00",
                "currency": "RUB",
                "description": "Зарплата",
            },
        ]
    },
    "utter_confirm_block": {"last4": "5512", "card_id": "card-2001-1"},
    "utter_card_blocked": {"last4": "5512"},
    "utter_card_already_blocked": {"last4": "5512"},
    "utter_card_not_found": {"last4": "7777"},
    "utter_choose_card": {"cards": ["0417", "5512"]},
    "utter_clarify_intent": {"action": "next_payment"},
    "utter_code_sent": {"phone": "+7 ••• •••-22-33"},
    "utter_code_rate_limited": {"seconds": 42, "waiting": True},
    "utter_wrong_code": {"attempts_left": 3},
    "handoff_after_hours": {"hours": "09:00–21:00", "zone": "Europe/Moscow"},
    "utter_callback_created": {"ticket": "T-1042"},
    "utter_callback_created_operator_joined": {"ticket": "T-1042"},
    "operator_joined": {"name": "Анна"},
    "utter_model_queue": {"position": 3, "minutes": 2},
    "summary_trigger": {"question": "А можно открыть счёт в юанях для ИП?"},
}


def all_names() -> list[str]:
    return sorted(set(default_library().names("ru")) | set(default_library().names("en")))


def test_every_text_exists_in_both_languages() -> None:
    library = default_library()
    assert library.names("ru") == library.names("en")
    assert {"system", "answer", "handoff", "out_of_scope", "greeting"} <= set(library.names("ru"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", all_names())
def test_snapshot(name: str, lang: str) -> None:
    rendered = default_library().render(name, lang, **VALUES.get(name, {}))
    snapshot = SNAPSHOTS / f"{lang}-{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(rendered + "\n", encoding="utf-8")
    assert snapshot.exists(), f"no snapshot of {lang}/{name}.j2: run UPDATE_SNAPSHOTS=1 make test"
    assert rendered + "\n" == snapshot.read_text(encoding="utf-8"), (
        f"{lang}/{name}.j2 changed: review it and run UPDATE_SNAPSHOTS=1 make test"
    )


def test_missing_variable_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        default_library().render("answer", "ru", passages=[], history=[])


def test_unknown_template_or_language() -> None:
    with pytest.raises(PromptNotFound):
        default_library().render("no_such_prompt", "ru")
    with pytest.raises(PromptNotFound):
        default_library().render("greeting", "de")


def test_library_can_point_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "greeting.j2").write_text("Привет, {{ name }}!")
    assert PromptLibrary(tmp_path).render("greeting", "ru", name="Анна") == "Привет, Анна!"


def test_account_figures_are_formatted_per_language() -> None:
    library = default_library()
    values = VALUES["utter_balance"]
    russian = library.render("utter_balance", "ru", **values)
    english = library.render("utter_balance", "en", **values)
    assert "48\u00a0210,75\u00a0₽" in russian
    assert "−18\u00a0300,00\u00a0₽" in russian
    assert "310,00\u00a0$" in russian
    assert "RUB\u00a048,210.75" in english
    payment = library.render("utter_next_payment", "ru", **VALUES["utter_next_payment"])
    assert "до 05.12.2026" in payment
    assert "просроченная задолженность 52\u00a0340,00\u00a0₽" in payment
    assert "due 5 December 2026" in library.render(
        "utter_next_payment", "en", **VALUES["utter_next_payment"]
    )


def test_money_rejects_what_is_not_an_amount() -> None:
    from prompts.formatting import money

    with pytest.raises(ValueError, match="not an amount"):
        money("много", "RUB", "ru")


def test_no_bank_is_named_until_the_bank_names_itself() -> None:
    plain = default_library()
    for lang in LANGUAGES:
        for name in all_names():
            text = plain.render(name, lang, **VALUES.get(name, {}))
            assert "Периметр" not in text and "Perimeter" not in text, f"{lang}/{name}"
    assert "помощник банка." in plain.render("greeting", "ru")
    assert "the bank's virtual assistant" in plain.render("greeting", "en")

    named = PromptLibrary(bank={"ru": "Северный", "en": "Northern Bank"})
    assert "помощник банка «Северный»." in named.render("greeting", "ru")
    assert "поддержки банка «Северный»." in named.render("system", "ru", marker="НЕТ")
    assert "Northern Bank's virtual assistant" in named.render("greeting", "en")
    assert "with Northern Bank's products" in named.render("out_of_scope", "en")


def test_the_banks_own_greeting_replaces_the_template_as_plain_text() -> None:
    library = PromptLibrary(overrides={("greeting", "ru"): "Добрый день! {{ not a template }}"})
    assert library.render("greeting", "ru") == "Добрый день! {{ not a template }}"
    assert library.render("greeting", "en").startswith("Hello!")  # only the language set
    blank = PromptLibrary(overrides={("greeting", "ru"): "  "})
    assert blank.render("greeting", "ru").startswith("Здравствуйте!")
