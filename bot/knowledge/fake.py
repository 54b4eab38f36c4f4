"""A fake knowledge base: scripted outcomes, no store and no model.

It keeps the contract the real one keeps (``tests/contract/test_knowledge_base.py`` runs both
through one suite), so the dialogue core can be tested on every outcome of a knowledge
question — answered, nothing found, declined, ungrounded, curated, a backend down — in
microseconds.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from bot.dialogue.errors import KnowledgeUnavailable, ModelUnavailable
from bot.dialogue.models import (
    AnswerDelta,
    AnswerEvent,
    AnswerFinished,
    KnowledgeQuestion,
    ModelQueued,
    Passage,
    PassagesFound,
    SourceRef,
)

# The sample knowledge base's passage on the debit card fee: what the fake answers from.
CARD_FEES = Passage(
    "cards-debit-fees", "Обслуживание дебетовых карт", "Классика: 99 ₽ в месяц.", 0.8, "Стоимость"
)
_PIECES = re.compile(r"(?:^\s+)?\S+\s*")


@dataclass
class FakeKnowledgeBase:
    """Answers every question the same scripted way, and records what it was asked.

    By default it is confident and streams ``answer_text`` word by word from ``passages``.
    The other outcomes, one switch each:

    - ``confident=False``: nothing relevant found; no answer is generated;
    - ``abstain=True``: the model declined; the customer sees nothing of it;
    - ``grounded=False``: the answer states what the passages do not;
    - ``curated=True``: a curated FAQ answer, quoted as written;
    - ``cached=True``: an earlier answer, from the answer cache;
    - ``queue=(2, 1)``: the answer waits for the model, second then first in line;
    - ``quote="…"``: the streamed draft failed the check; the customer gets this line instead;
    - ``fail=KnowledgeUnavailable``: the store is down, nothing is found;
    - ``fail=ModelUnavailable``: the passages are found, then the model fails.

    ``token_delay_s`` paces the stream (a channel's streaming under test) and ``on_answer``
    runs when a question arrives (to look at the world at that moment).
    """

    answer_text: str = "Обслуживание карты «Классика» стоит 99 ₽ в месяц."
    passages: tuple[Passage, ...] = (CARD_FEES,)
    confident: bool = True
    abstain: bool = False
    grounded: bool = True
    curated: bool = False
    quote: str | None = None
    fail: type[KnowledgeUnavailable] | type[ModelUnavailable] | None = None
    token_delay_s: float = 0.0
    queue: tuple[int, ...] = ()  # places in the model's queue heard before the first token
    cached: bool = False
    on_answer: Callable[[KnowledgeQuestion], Awaitable[None] | None] | None = None
    questions: list[KnowledgeQuestion] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.confident and not self.passages:
            raise ValueError("a confident knowledge base needs passages to answer from")

    async def answer(self, question: KnowledgeQuestion) -> AsyncIterator[AnswerEvent]:
        """The dialogue core's ``KnowledgeBase``."""
        self.questions.append(question)
        if self.on_answer:
            called = self.on_answer(question)
            if inspect.isawaitable(called):
                await called
        if self.fail is KnowledgeUnavailable:
            raise KnowledgeUnavailable("store down")
        yield PassagesFound(self.passages, self.confident)
        if not self.confident:
            yield AnswerFinished("", abstained=False, grounded=True, cited=())
            return
        if self.fail is not None and issubclass(self.fail, ModelUnavailable):
            raise self.fail("timeout")
        cited = tuple(SourceRef.of(p) for p in self.passages)
        if self.abstain:
            yield AnswerFinished("", abstained=True, grounded=True, cited=cited)
            return
        for position in self.queue:
            yield ModelQueued(position, 20.0 * position)
        for piece in _PIECES.findall(self.answer_text):
            await asyncio.sleep(self.token_delay_s)
            yield AnswerDelta(piece)
        yield AnswerFinished(
            self.quote or self.answer_text.strip(),
            abstained=False,
            grounded=self.grounded,
            cited=cited[:1] if self.quote else cited,
            curated=self.curated,
            quoted=self.quote is not None,
            cached=self.cached,
        )

    async def search(self, query: str, k: int) -> list[Passage]:
        """The operators' ``KnowledgeSearch``: the scripted passages, at most ``k``."""
        self.searches.append(query)
        if self.fail is KnowledgeUnavailable:
            raise KnowledgeUnavailable("store down")
        return list(self.passages[:k])
