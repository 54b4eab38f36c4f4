"""A chat model that replays a scripted reply: the stand-in for the real backends.

It is a LangChain ``BaseChatModel`` like the embedded llama.cpp model beside it, so everything
built on a chat model (the answer chain, the operator's summary) runs unchanged, fast and
deterministically. Unlike LangChain's ``GenericFakeChatModel`` it can stall before its first
token, fail as an unreachable server does, and records every prompt it is given.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

_PIECES = re.compile(r"(?:^\s+)?\S+\s*")


class ScriptedChatModel(BaseChatModel):
    """Answers every prompt with ``reply``, streamed word by word.

    ``stall_s`` waits before the first token (a model that is slow to start); ``fail`` raises
    ``ConnectionError`` instead of answering (a server that cannot be reached); ``prompts``
    collects the messages of every call, oldest first.
    """

    reply: str = ""
    stall_s: float = 0.0
    fail: bool = False
    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def pieces(self) -> list[str]:
        """The reply as it streams: words with their spaces, joining back to ``reply``."""
        return _PIECES.findall(self.reply)

    def _check(self) -> None:
        if self.fail:
            raise ConnectionError("connection refused")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        time.sleep(self.stall_s)
        self._check()
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        await asyncio.sleep(self.stall_s)
        self._check()
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.prompts.append(list(messages))
        time.sleep(self.stall_s)
        self._check()
        for piece in self.pieces():
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        self.prompts.append(list(messages))
        await asyncio.sleep(self.stall_s)
        self._check()
        for piece in self.pieces():
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
