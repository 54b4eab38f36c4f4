"""The answer cache on its own: what is given again, and what never is."""

from __future__ import annotations

from rag.cache import AnswerCache, CachePolicy, figures
from rag.store import ScoredChunk
from rag.vocabulary import Vocabulary

KB = [
    "Обслуживание карты «Классика» стоит 99 ₽ в месяц, карты «Премиум» — 1 990 ₽.",
    "Выпуск карты бесплатный.",
    "Перевод до 100 000 ₽ в месяц бесплатный, свыше — 0,5 %.",
    "The Classic card costs 99 RUB a month.",
]
CLASSIC = "Сколько стоит обслуживание карты «Классика»?"

# Questions as points in a tiny embedding space; any other text is close to CLASSIC.
VECTORS = {"Что такое карта «Классика»? Обслуживание, цена?": [0.0, 1.0, 0.0]}


def embed(text: str) -> list[float]:
    return VECTORS.get(text, [1.0, 0.0, 0.0])


def chunk(doc_id: str, version: str = "v1") -> ScoredChunk:
    return ScoredChunk(
        doc_id, "Карты", None, "Классика — 99 ₽.", "ru", 0.8, {"content_hash": version}
    )


class Recorder:
    def __init__(self) -> None:
        self.hits = self.misses = self.size = self.invalidated = 0

    def generated(self, tokens: int, seconds: float) -> None:
        pass

    def model_failed(self, kind: str) -> None:
        pass

    def cache_lookup(self, hit: bool) -> None:
        if hit:
            self.hits += 1
        else:
            self.misses += 1

    def cache_size(self, entries: int) -> None:
        self.size = entries

    def cache_invalidated(self, entries: int) -> None:
        self.invalidated += entries


def make(
    versions: dict[str, str] | None = None,
    now: list[float] | None = None,
    kb: list[str] | None = None,
    **policy: float,
) -> tuple[AnswerCache, Recorder]:
    known = versions if versions is not None else {"cards": "v1", "fees": "v1"}
    clock = now if now is not None else [0.0]
    texts = kb if kb is not None else KB
    recorder = Recorder()
    cache = AnswerCache(
        embed,
        known.get,
        Vocabulary(lambda: texts, clock=lambda: clock[0]),
        CachePolicy(**policy),  # type: ignore[arg-type]
        observer=recorder,
        clock=lambda: clock[0],
    )
    return cache, recorder


def test_the_same_question_in_other_words_gets_the_answer_and_its_sources() -> None:
    cache, recorder = make()
    cache.store(CLASSIC, "ru", "99 ₽ в месяц.", [chunk("cards")])
    hit = cache.lookup("подскажите пожалуйста, скока стоит обслуживание карты классика", "ru")
    assert hit is not None and hit.text == "99 ₽ в месяц."
    assert [c.doc_id for c in hit.cited] == ["cards"]
    assert (recorder.hits, recorder.misses, recorder.size) == (1, 0, 1)


def test_a_question_naming_another_product_or_operation_is_not_given_the_answer() -> None:
    """Near-misses are as close as paraphrases in embedding space (here: identical); the
    terms the knowledge base distinguishes tell them apart."""
    cache, recorder = make()
    cache.store(CLASSIC, "ru", "99 ₽ в месяц.", [chunk("cards")])
    assert cache.lookup("Сколько стоит обслуживание карты «Премиум»?", "ru") is None
    assert cache.lookup("Сколько стоит выпуск карты «Классика»?", "ru") is None
    assert recorder.misses == 2


def test_a_distant_question_is_not_given_the_answer_whatever_its_terms() -> None:
    cache, _ = make()
    cache.store(CLASSIC, "ru", "99 ₽ в месяц.", [chunk("cards")])
    distant = "Что такое карта «Классика»? Обслуживание, цена?"
    assert cache.terms(distant) == cache.terms(CLASSIC)
    assert cache.lookup(distant, "ru") is None


def test_another_language_is_another_answer() -> None:
    cache, _ = make()
    cache.store("How much is the Classic card?", "en", "99 RUB a month.", [chunk("cards")])
    assert cache.lookup("How much is the Classic card?", "ru") is None
    assert cache.lookup("how much is the classic card", "en") is not None


def test_different_figures_in_the_question_are_a_different_question() -> None:
    cache, _ = make()
    cache.store("Перевод до 100 000 ₽ бесплатный?", "ru", "Да.", [chunk("fees")])
    assert cache.lookup("перевод до 100 000 ₽ бесплатный", "ru") is not None
    assert cache.lookup("Перевод до 50 000 ₽ бесплатный?", "ru") is None
    assert figures("до 50 000 ₽") != figures("до 100 000 ₽")
    assert figures("1,5%") == figures("1.5 %")


def test_a_question_naming_nothing_the_kb_knows_is_never_kept() -> None:
    cache, _ = make()
    cache.store("ну и как оно вообще", "ru", "…", [chunk("cards")])
    assert len(cache) == 0


def test_a_term_the_kb_learns_counts_after_a_publish() -> None:
    kb = list(KB)
    cache, _ = make(kb=kb)
    cache.store(CLASSIC, "ru", "99 ₽ в месяц.", [chunk("cards")])
    # «Золотая» is no word of the knowledge base yet: the question is the same one.
    assert cache.lookup("Сколько стоит обслуживание золотой карты «Классика»?", "ru") is not None
    kb.append("Карта «Золотая» стоит 500 ₽.")
    cache.invalidate("gold")  # the new document's publish
    assert cache.lookup("Сколько стоит обслуживание золотой карты «Классика»?", "ru") is None


def test_a_published_document_drops_the_answers_that_cite_it() -> None:
    cache, recorder = make()
    cache.store(CLASSIC, "ru", "99 ₽.", [chunk("cards")])
    cache.store("перевод до 100 000 ₽", "ru", "Бесплатно.", [chunk("fees")])
    assert cache.invalidate("cards") == 1
    assert cache.lookup(CLASSIC, "ru") is None
    assert cache.lookup("перевод до 100 000 ₽", "ru") is not None
    assert recorder.invalidated == 1 and recorder.size == 1
    assert cache.invalidate(None) == 1  # a rebuild: everything goes
    assert len(cache) == 0


def test_a_document_changed_elsewhere_is_noticed_at_the_hit() -> None:
    """Another replica published the document into the shared index: no listener here told
    the cache, but the cited version no longer matches."""
    versions = {"cards": "v1"}
    cache, recorder = make(versions)
    cache.store(CLASSIC, "ru", "99 ₽.", [chunk("cards")])
    versions["cards"] = "v2"
    assert cache.lookup(CLASSIC, "ru") is None
    assert len(cache) == 0 and recorder.invalidated == 1
    del versions["cards"]  # deleted: never given again either
    cache.store(CLASSIC, "ru", "99 ₽.", [chunk("cards")])
    assert cache.lookup(CLASSIC, "ru") is None


def test_an_old_answer_is_not_given() -> None:
    now = [0.0]
    cache, _ = make(now=now, ttl_s=60)
    cache.store(CLASSIC, "ru", "99 ₽.", [chunk("cards")])
    now[0] = 61.0
    assert cache.lookup(CLASSIC, "ru") is None


def test_the_cache_keeps_at_most_its_size_least_recently_used_first() -> None:
    cache, _ = make(max_entries=2)
    cache.store(CLASSIC, "ru", "1", [chunk("cards")])
    cache.store("перевод до 100 000 ₽", "ru", "2", [chunk("fees")])
    assert cache.lookup(CLASSIC, "ru") is not None  # used: kept
    cache.store("Сколько стоит выпуск карты?", "ru", "3", [chunk("cards")])
    assert len(cache) == 2
    assert cache.lookup("перевод до 100 000 ₽", "ru") is None
    assert cache.lookup(CLASSIC, "ru") is not None


def test_an_answer_without_sources_or_versions_is_not_kept() -> None:
    cache, _ = make()
    cache.store(CLASSIC, "ru", "99 ₽.", [])
    cache.store(CLASSIC, "ru", "  ", [chunk("cards")])
    unversioned = ScoredChunk("cards", "Карты", None, "…", "ru", 0.8, {})
    cache.store(CLASSIC, "ru", "99 ₽.", [unversioned])
    assert len(cache) == 0
