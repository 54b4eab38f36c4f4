"""A fake intent classifier: keywords decide, no embeddings.

It stands in for the embedding classifier where the dialogue's handling of an intent is under
test, not its recognition (which needs the real model and the content team's phrases).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.dialogue.models import IntentMatch


@dataclass
class FakeIntentClassifier:
    """Implements the dialogue core's ``IntentClassifier``: a message containing one of the
    ``cues`` (case-insensitive, the first listed wins) takes its match; any other message
    gets ``otherwise`` (None: not an account intent). ``texts`` records every message."""

    cues: Mapping[str, IntentMatch] = field(default_factory=dict)
    otherwise: IntentMatch | None = None
    texts: list[str] = field(default_factory=list)

    def classify(self, text: str) -> IntentMatch | None:
        self.texts.append(text)
        lowered = text.lower()
        return next(
            (match for cue, match in self.cues.items() if cue.lower() in lowered), self.otherwise
        )
