"""Canned responses filled in for a customer: the first name from the bank's record, or no
gap where it is unknown; the operator's own name."""

from __future__ import annotations

import pytest

from bot.operators.inbox import render
from bot.operators.models import CustomerProfile


@pytest.mark.parametrize(
    ("text", "first_name", "expected"),
    [
        ("Здравствуйте, {first_name}! Я {operator}.", "Анна", "Здравствуйте, Анна! Я Ольга."),
        ("Здравствуйте, {first_name}! Я {operator}.", "", "Здравствуйте! Я Ольга."),
        ("{first_name}, добрый день!", "", "добрый день!"),
        ("Hello {first_name}, I am {operator}.", "", "Hello, I am Ольга."),
        ("Без переменных.", "", "Без переменных."),
    ],
)
def test_variables_are_filled_in(text: str, first_name: str, expected: str) -> None:
    assert render(text, first_name=first_name, operator="Ольга") == expected


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Смирнова Анна Викторовна", "Анна"),
        ("Петров Игорь Сергеевич", "Игорь"),
        ("Мамедов Эльдар Рашид оглы", "Мамедов"),  # four words: not read as ФИО
        ("Anna Smith", "Anna"),
        ("", ""),
    ],
)
def test_the_first_name_of_a_bank_record(name: str, first: str) -> None:
    assert CustomerProfile(name, "+7 ••• •••-22-33", ()).first_name == first
