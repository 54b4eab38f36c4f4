"""The personal-data detector on hand-written cases (the tuning set; the blind set is
``evals/pii``, measured by ``benchmarks/pii.py``)."""

from __future__ import annotations

import time

import pytest

from bot.privacy.detector import PiiDetector
from bot.privacy.kinds import PiiKind
from bot.privacy.numbers import snils_valid
from bot.privacy.words import NameTagger


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector(names=NameTagger())


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("карта 4276 3801 2345 6787, заблокируйте", PiiKind.CARD, "4276 3801 2345 6787"),
        ("номер карты 2200-1234-5678-9019", PiiKind.CARD, "2200-1234-5678-9019"),
        ("карта4276380123456787", PiiKind.CARD, "4276380123456787"),
        ("cvv 123", PiiKind.CVV, "123"),
        ("три цифры сзади: 907", PiiKind.CVV, "907"),
        ("паспорт 45 12 345678", PiiKind.PASSPORT, "45 12 345678"),
        ("серия 4512 номер 345678", PiiKind.PASSPORT, "4512"),
        ("серия 4512 номер 345678", PiiKind.PASSPORT, "345678"),
        ("мой СНИЛС 112-233-445 95", PiiKind.SNILS, "112-233-445 95"),
        ("ИНН 500100732259", PiiKind.INN, "500100732259"),
        ("инн организации 7707083893", PiiKind.INN, "7707083893"),
        ("счёт 40817810099910004312", PiiKind.ACCOUNT, "40817810099910004312"),
        ("звоните +7 (916) 123-45-67", PiiKind.PHONE, "+7 (916) 123-45-67"),
        ("мой номер 89161234567", PiiKind.PHONE, "89161234567"),
        ("8-916-123-45-67 это я", PiiKind.PHONE, "8-916-123-45-67"),
        ("пишите на anna.petrova@mail.ru", PiiKind.EMAIL, "anna.petrova@mail.ru"),
        ("Меня зовут Иванов Пётр Сергеевич", PiiKind.NAME, "Иванов Пётр Сергеевич"),
        ("меня зовут ольга", PiiKind.NAME, "ольга"),
        ("перевёл Смирновой Анне", PiiKind.NAME, "Смирновой Анне"),
        ("My name is John Smith", PiiKind.NAME, "John Smith"),
        ("г. Казань, ул. Баумана, д. 12, кв. 4", PiiKind.ADDRESS, "ул. Баумана, д. 12, кв. 4"),
        ("живу на улице Ленина дом 5", PiiKind.ADDRESS, "улице Ленина дом 5"),
        ("I live at 221B Baker Street", PiiKind.ADDRESS, "221B Baker Street"),
    ],
)
def test_each_kind_is_found(detector: PiiDetector, text: str, kind: PiiKind, value: str) -> None:
    start = text.index(value)
    found = detector.find(text)
    assert any(
        f.kind is kind and f.start <= start and f.end >= start + len(value) for f in found
    ), [(f.kind, text[f.start : f.end]) for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "переведите 15 000 руб. до 12.03.2024, в 15:30",
        "номер операции 1234567812345678",  # fails Luhn
        "БИК 044525225, договор № 7712-45/2023",
        "карта, оканчивающаяся на 5512",
        "код из смс 4821",
        "ставка 12,5 % годовых, кэшбэк 1 500 баллов",
        "заявка 12345678901",
        "Сбербанк Онлайн не работает в Москве",
        "переведите пожалуйста 500 рублей",
    ],
)
def test_what_is_not_personal_data_is_left_alone(detector: PiiDetector, text: str) -> None:
    assert detector.redact(text) == text


def test_redaction_keeps_the_last_four_digits_of_cards_and_accounts(
    detector: PiiDetector,
) -> None:
    text = "карта 4276 3801 2345 6787 cvv 123, паспорт 45 12 345678, тел. 89161234567"
    assert detector.redact(text) == (
        "карта [карта ••6787] cvv [CVV], паспорт [паспорт], тел. [телефон]"
    )


def test_snils_check_digits() -> None:
    assert snils_valid("11223344595")
    assert not snils_valid("11223344596")
    assert not snils_valid("1122334459")


def test_a_long_adversarial_text_is_scanned_in_linear_time(detector: PiiDetector) -> None:
    for shape in ("1 " * 10_000, "ул. " * 5_000, "a@" * 10_000, "Иван " * 4_000, "-1" * 10_000):
        started = time.perf_counter()
        detector.redact(shape)
        assert time.perf_counter() - started < 2.0, shape[:10]
