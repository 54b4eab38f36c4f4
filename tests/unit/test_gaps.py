"""Knowledge gaps: unanswered questions grouped by meaning (real embeddings); the command
that lists them is tested end to end (``tests/e2e/test_kb_cli.py``)."""

from __future__ import annotations

from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.gaps import group_questions

SAFE_DEPOSIT = [
    "сколько стоит аренда банковской ячейки",
    "можно ли арендовать сейфовую ячейку в вашем банке",
    "ячейка в банке цена аренды",
]
METALS = ["есть ли металлические счета", "можно открыть счёт в золоте?"]


def test_questions_on_one_topic_form_one_group_biggest_first(
    use_embeddings: UniversalSentenceEncoderEmbeddings,
) -> None:
    embeddings = use_embeddings
    gaps = group_questions([*METALS, *SAFE_DEPOSIT, "  "], embeddings, min_similarity=0.45)
    assert [gap.size for gap in gaps][:2] == [3, 2]
    assert set(gaps[0].questions) == set(SAFE_DEPOSIT)
    assert set(gaps[1].questions) == set(METALS)
    assert group_questions([], embeddings) == []
