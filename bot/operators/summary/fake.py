"""A fake summarizer: a scripted summary, no model.

It keeps the real one's contract (``tests/contract/test_summarizer.py`` runs both through one
suite): a summary is stripped text, never empty, and a model that fails raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.dialogue.models import ChatTurn, Lang


@dataclass
class FakeSummarizer:
    """Implements the dialogue core's ``Summarizer`` with ``text``; records the turns of every
    call in ``seen``. ``delay_s`` is a slow model, ``fail`` one that cannot be reached."""

    text: str = "Клиент просит соединить его с оператором."
    fail: bool = False
    delay_s: float = 0.0
    seen: list[tuple[ChatTurn, ...]] = field(default_factory=list)

    async def summarize(self, turns: Sequence[ChatTurn], lang: Lang) -> str:
        self.seen.append(tuple(turns))
        await asyncio.sleep(self.delay_s)
        if self.fail:
            raise ConnectionError("the model cannot be reached")
        if not self.text.strip():
            raise ValueError("the model wrote an empty summary")
        return self.text.strip()
