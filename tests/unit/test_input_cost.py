"""What a message costs is linear in its length: no regex of the package backtracks
quadratically, and the checks that run before the length limit read a bounded sample.

Quadratic patterns took 0.2-0.9 s on 4 000 characters of the wrong shape (a run of dashes,
«А» or digits) and would take minutes on 64 000; linear ones take milliseconds. The bound
below is far from both, so the test does not depend on the machine's speed."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator

import pytest

from bot.dialogue.language import detect_language
from bot.dialogue.masking import mask_personal

SIZE = 64 * 1024
SHAPES = {
    "dashes": "-" * SIZE,
    "cyrillic": "А" * SIZE,
    "latin": "a" * SIZE,
    "spaces": " " * SIZE,
    "a.": "a." * (SIZE // 2),
    "digits": "1" * SIZE,
    "digit space": "1 " * (SIZE // 2),
    "digit comma": "1," * (SIZE // 2),
    "quotes": "«" * SIZE,
    "words": "слово " * (SIZE // 6),
}
BOUND_S = 1.0  # for search + findall + sub over 64 KB; a quadratic pattern takes minutes


def _patterns(value: object, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _patterns(item, depth + 1)


def package_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern a module of the package keeps (alone, or in a table of them)."""
    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    for package_name in ("bot", "rag", "integrations", "prompts"):
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                for pattern in _patterns(value):
                    if isinstance(pattern.pattern, str):
                        found.setdefault(id(pattern), (f"{info.name}.{name}", pattern))
    return sorted(found.values(), key=lambda item: item[0])


PATTERNS = package_patterns()


def test_the_walk_finds_the_patterns_of_the_message_path() -> None:
    from bot.dialogue import language, phones
    from bot.intents import embedding
    from rag import reading

    found = {id(pattern) for _, pattern in PATTERNS}
    message_path = (language._NOT_WORDS, phones.ANY_PHONE, embedding._NOISE, reading._PERCENT)
    assert {id(pattern) for pattern in message_path} <= found
    assert len(PATTERNS) > 80


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_every_pattern_is_linear_on_adversarial_input(name: str, pattern: re.Pattern[str]) -> None:
    slow = {}
    for shape, text in SHAPES.items():
        started = time.perf_counter()
        pattern.search(text)
        pattern.findall(text)
        pattern.sub("", text)
        slow[shape] = time.perf_counter() - started
    worst = max(slow, key=lambda shape: slow[shape])
    assert slow[worst] < BOUND_S, f"{name} took {slow[worst]:.1f} s on 64 KB of {worst}"


def test_language_is_told_from_a_bounded_sample() -> None:
    started = time.perf_counter()
    assert detect_language("-" * 1_000_000 + " hello") == "ru"  # only dashes in the sample
    assert time.perf_counter() - started < BOUND_S
    assert detect_language("Hello, what is the rate?") == "en"
    assert detect_language("customer_id=c-2002 какой баланс") == "ru"


def test_masking_for_staff_lists_is_unchanged_by_the_bounds() -> None:
    text = "звоните +7 (999) 123-45-67 или 8 800 555-35-35, пишите ivan.petrov+bank@mail.ru"
    assert mask_personal(text) == "звоните [телефон] или [телефон], пишите [e-mail]"
    assert mask_personal("-" * SIZE) == "-" * SIZE
