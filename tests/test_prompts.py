"""Prompts and customer texts: present in both languages, strict, and snapshot-tested."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from prompts import LANGUAGES, PromptLibrary, PromptNotFound, default_library
from rag.store import ScoredChunk

SNAPSHOTS = Path(__file__).parent / "snapshots" / "prompts"
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
        "question": "а для пенсионеров?",
    },
    "error_too_long": {"limit": 4000},
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
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not snapshot.exists():
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(rendered + "\n", encoding="utf-8")
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
