"""The real summarizer: the operator's summary of a conversation, written by the local model
from the latest turns, each cut short, under the ``operator_summary`` prompt."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from bot.dialogue.models import ChatTurn, Lang, Role
from bot.dialogue.ports import TextCatalog
from rag.admission import ModelAdmission, turn

_SPEAKERS = {
    "ru": {Role.CUSTOMER: "Клиент", Role.BOT: "Бот", Role.OPERATOR: "Оператор"},
    "en": {Role.CUSTOMER: "Customer", Role.BOT: "Bot", Role.OPERATOR: "Operator"},
}
_MAX_TURN_CHARS = 600


class ModelSummarizer:
    """Implements the ``Summarizer`` port with any LangChain chat model (llama.cpp, Ollama,
    vLLM): the same local model that answers customers, so nothing leaves the bank."""

    def __init__(
        self,
        llm: BaseChatModel,
        texts: TextCatalog,
        max_turns: int = 12,
        admission: ModelAdmission | None = None,
    ) -> None:
        self._llm = llm
        self._texts = texts
        self._max_turns = max_turns
        # Summaries wait for their turn behind customers' answers, in the same bounded queue:
        # a full queue refuses them (ModelBusy) and the extractive summary stays.
        self._admission = admission

    async def summarize(self, turns: Sequence[ChatTurn], lang: Lang) -> str:
        speakers = _SPEAKERS[lang]
        transcript = "\n".join(
            f"{speakers[turn.role]}: {turn.text[:_MAX_TURN_CHARS]}"
            for turn in list(turns)[-self._max_turns :]
        )
        # Delimited: the prompt tells the model the transcript is data, not orders.
        transcript = transcript.replace("<<<", "«").replace(">>>", "»")
        messages = [
            SystemMessage(self._texts.render("operator_summary", lang)),
            HumanMessage(f"<<<\n{transcript}\n>>>"),
        ]
        # Streamed, not invoked: a cancelled summary (shutdown, timeout) stops the model at
        # its next token; an invoke would run on in a worker thread the process waits for.
        pieces: list[str] = []
        async with turn(self._admission):
            try:
                async for chunk in self._llm.astream(messages):
                    content = chunk.content
                    pieces.append(content if isinstance(content, str) else str(content))
            except ValueError:
                if pieces:
                    raise  # LangChain's «no chunks» is an empty summary; anything else is not
        text = "".join(pieces)
        if not text.strip():
            raise ValueError("the model wrote an empty summary")
        return text.strip()
