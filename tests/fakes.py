"""Fakes for isolating the dialogue core (the real adapters have their own tests)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from bot.dialogue.errors import KnowledgeUnavailable, ModelUnavailable
from bot.dialogue.models import (
    AnswerDelta,
    AnswerEvent,
    AnswerFinished,
    KnowledgeQuestion,
    Passage,
    PassagesFound,
    Reply,
    SourceRef,
)

CARD_FEES = Passage(
    "cards-debit-fees", "Обслуживание дебетовых карт", "Классика: 99 ₽ в месяц.", 0.8, "Стоимость"
)


@dataclass
class FakeKnowledgeBase:
    """Answers with a scripted text; records the questions it was asked."""

    answer_text: str = "Обслуживание карты «Классика» стоит 99 ₽ в месяц."
    passages: tuple[Passage, ...] = (CARD_FEES,)
    confident: bool = True
    abstain: bool = False
    grounded: bool = True
    fail: type[Exception] | None = None
    token_delay_s: float = 0.0
    on_answer: Callable[[KnowledgeQuestion], Awaitable[None] | None] | None = None
    questions: list[KnowledgeQuestion] = field(default_factory=list)

    async def answer(self, question: KnowledgeQuestion) -> AsyncIterator[AnswerEvent]:
        self.questions.append(question)
        if self.on_answer:
            called = self.on_answer(question)
            if inspect.isawaitable(called):
                await called
        if self.fail is KnowledgeUnavailable:
            raise KnowledgeUnavailable("store down")
        yield PassagesFound(self.passages, self.confident)
        if not self.confident:
            yield AnswerFinished("", False, True, ())
            return
        if self.fail is ModelUnavailable:
            raise ModelUnavailable("timeout")
        for word in self.answer_text.split(" "):
            await asyncio.sleep(self.token_delay_s)
            yield AnswerDelta(word + " ")
        yield AnswerFinished(
            self.answer_text,
            self.abstain,
            self.grounded,
            tuple(SourceRef.of(p) for p in self.passages),
        )


@dataclass
class RecordingSink:
    accepted_ids: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    async def accepted(self, message_id: str) -> None:
        self.accepted_ids.append(message_id)

    async def token(self, text: str) -> None:
        self.tokens.append(text)

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)
