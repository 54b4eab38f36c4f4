"""The knowledge base's vocabulary (``rag.vocabulary``): what a question names that the KB has
words for; read again at once after a change here, and in the background when merely old."""

from __future__ import annotations

import threading
import time

from rag.vocabulary import Vocabulary


def test_only_the_words_the_kb_uses_count() -> None:
    vocabulary = Vocabulary(lambda: ["Обслуживание карты «Классика» стоит 99 ₽ в месяц."])
    terms = vocabulary.terms("Подскажите, пожалуйста, скока стоит обслуживание Классики?")
    assert "классика" in terms and "обслуживание" in terms
    assert not {"подсказать", "пожалуйста", "скока"} & terms


def test_a_change_here_is_read_at_once_and_old_words_in_the_background() -> None:
    kb = ["Карта «Классика»."]
    now = [0.0]
    reads: list[float] = []
    release = threading.Event()

    def texts() -> list[str]:
        reads.append(now[0])
        if len(reads) == 3:  # the background read waits: questions must not
            assert release.wait(10)
        return list(kb)

    vocabulary = Vocabulary(texts, max_age_s=60, clock=lambda: now[0])
    assert "премиум" not in vocabulary.terms("карта премиум")
    kb.append("Карта «Премиум».")
    vocabulary.invalidate("premium")  # published here: read again at the next question
    assert "премиум" in vocabulary.terms("карта премиум")
    kb.append("Карта «Золотая».")  # published by another replica: nobody told this one
    now[0] = 61.0
    started = time.monotonic()
    assert "золотой" not in vocabulary.terms("карта золотая")  # the old words, at once
    assert time.monotonic() - started < 1
    release.set()
    deadline = time.monotonic() + 10
    while "золотой" not in vocabulary.terms("карта золотая"):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert len(reads) == 3
