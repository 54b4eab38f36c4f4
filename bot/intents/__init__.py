"""Account intents («какой у меня баланс?») as the dialogue core's ``IntentClassifier``: the
real classifier by embedding similarity to example phrases, and a keyword fake beside it."""

from bot.intents.embedding import EmbeddingIntentClassifier, IntentFileError, load_intent_examples
from bot.intents.fake import FakeIntentClassifier

__all__ = [
    "EmbeddingIntentClassifier",
    "FakeIntentClassifier",
    "IntentFileError",
    "load_intent_examples",
]
