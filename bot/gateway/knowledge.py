"""``perimeter-kb``: the knowledge base as a model. The last user message is the question,
the earlier turns its history; the answer is the assistant's own (the FAQ, the reader, the
local model, the check of figures against the passages), and its sources come with it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from bot.dialogue.errors import KnowledgeUnavailable, ModelBusy, ModelUnavailable
from bot.dialogue.language import detect_language
from bot.dialogue.models import (
    AnswerDelta,
    AnswerFinished,
    ChatTurn,
    KnowledgeQuestion,
    Lang,
    Role,
    SourceRef,
)
from bot.dialogue.ports import KnowledgeBase
from bot.gateway.router import Health
from bot.gateway.upstreams import Unavailable, Usage
from integrations.llm.factory import estimate_tokens


@dataclass(slots=True)
class KnowledgeOutcome:
    sources: list[SourceRef] = field(default_factory=list)
    abstained: bool = False


class KnowledgeModel:
    def __init__(self, knowledge: KnowledgeBase, default_language: Lang) -> None:
        self._knowledge = knowledge
        self._default = default_language

    async def stream(
        self, messages: Sequence[tuple[str, str]], usage: Usage, outcome: KnowledgeOutcome
    ) -> AsyncIterator[str]:
        """The answer's pieces; ``outcome`` gets its sources at the end."""
        turns = [(role, text) for role, text in messages if role in ("user", "assistant")]
        question = turns[-1][1] if turns and turns[-1][0] == "user" else ""
        history = tuple(
            ChatTurn(Role.CUSTOMER if role == "user" else Role.BOT, text)
            for role, text in turns[:-1]
        )
        lang = detect_language(question, self._default)
        asked = KnowledgeQuestion(question, question, lang, history)
        usage.prompt_tokens = sum(estimate_tokens(text) for _, text in messages)
        sent = ""
        try:
            async for event in self._knowledge.answer(asked):
                if isinstance(event, AnswerDelta):
                    sent += event.text
                    usage.completion_tokens += 1
                    yield event.text
                elif isinstance(event, AnswerFinished):
                    outcome.sources = list(event.cited)
                    outcome.abstained = event.abstained
                    if event.text.startswith(sent) and len(event.text) > len(sent):
                        rest = event.text[len(sent) :]  # a quoted or curated answer: whole
                        usage.completion_tokens += estimate_tokens(rest)
                        yield rest
        except ModelBusy as exc:
            raise Unavailable(Health.OVERLOADED, str(exc)) from None
        except (ModelUnavailable, KnowledgeUnavailable) as exc:
            raise Unavailable(Health.DOWN, str(exc)) from None
