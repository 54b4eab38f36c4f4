"""Account intents by example phrases, with the real multilingual embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.intents import EmbeddingIntentClassifier, IntentFileError, load_intent_examples
from rag.embeddings import UniversalSentenceEncoderEmbeddings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "intents" / "account.yaml"


@pytest.fixture(scope="module")
def classifier(use_embeddings: UniversalSentenceEncoderEmbeddings) -> EmbeddingIntentClassifier:
    model = EmbeddingIntentClassifier(load_intent_examples(EXAMPLES), use_embeddings)
    model.load()
    return model


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("какой у меня баланс?", "check_balance"),
        ("сколько денег у меня на карте", "check_balance"),
        ("What's my balance?", "check_balance"),
        ("когда следующий платёж по кредиту?", "next_payment"),
        ("заблокируйте мою карту", "block_card"),
        ("покажи мои последние операции", "recent_transactions"),
        ("моя карта работает?", "card_status"),
    ],
)
def test_account_questions_are_recognised(
    classifier: EmbeddingIntentClassifier, text: str, action: str
) -> None:
    match = classifier.classify(text)
    assert match is not None and match.action == action


@pytest.mark.parametrize(
    "text",
    [
        "Сколько стоит обслуживание дебетовой карты?",
        "как заблокировать карту в приложении?",
        "потерял карту что делать",
        "Когда будет начислен процент по вкладу?",
        "Какой лимит переводов по СБП?",
        "платеж по кредиту выпал на воскресенье что будет",
    ],
)
def test_questions_about_the_banks_rules_stay_with_the_knowledge_base(
    classifier: EmbeddingIntentClassifier, text: str
) -> None:
    assert classifier.classify(text) is None


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("что списали 12 ноября", "recent_transactions"),
        ("покажи баланс Смирновой Анны", "check_balance"),  # refused by the rules, not here
    ],
)
def test_a_clear_lead_over_knowledge_questions_is_a_near_match(
    classifier: EmbeddingIntentClassifier, text: str, action: str
) -> None:
    """Under the clarify threshold, an account intent far ahead of every knowledge question is
    a near match: never certain, so it acts only for a customer speaking of their own money."""
    match = classifier.classify(text)
    assert match is not None and match.action == action and not match.certain


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("check_balance: [баланс]\nsteal_money: [переведи]", "unknown intents"),
        ("check_balance: баланс", "must be a list"),
        ("- just a list", "expected a mapping"),
    ],
)
def test_bad_intent_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(content)
    with pytest.raises(IntentFileError, match=message):
        load_intent_examples(path)


@pytest.fixture(scope="module")
def with_clarify(use_embeddings: UniversalSentenceEncoderEmbeddings) -> EmbeddingIntentClassifier:
    model = EmbeddingIntentClassifier(
        load_intent_examples(EXAMPLES), use_embeddings, clarify_threshold=0.62
    )
    model.load()
    return model


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("какой остаток на счёте?", "check_balance"),
        ("покажи последние списания", "recent_transactions"),
    ],
)
def test_a_clear_cue_settles_a_near_threshold_match(
    with_clarify: EmbeddingIntentClassifier, text: str, action: str
) -> None:
    match = with_clarify.classify(text)
    assert match is not None and (match.action, match.certain) == (action, True)


@pytest.mark.parametrize(
    "text",
    ["сколько денег можно снять в банкомате", "платеж по кредиту выпал на воскресенье что будет"],
)
def test_general_questions_with_account_words_are_never_certain(
    with_clarify: EmbeddingIntentClassifier, text: str
) -> None:
    match = with_clarify.classify(text)
    assert match is None or not match.certain
