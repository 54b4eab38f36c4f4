"""The assistant's own answers through the router: knowledge answers and summaries written by
another upstream (``gateway.answers_upstream``), never with personal data sent out.

:class:`RoutedChatModel` is a LangChain chat model over two: the bank's local model and the
chosen upstream's. Each call's messages go through the gateway's screen; a call with personal
data found or suspected in any message is written by the local model when the upstream is
external, and every call goes to the upstream otherwise. The answer chain and the summarizer
take it where they took the local model, and change nothing else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from bot.gateway.screening import Screen

log = logging.getLogger(__name__)


class RoutedChatModel(BaseChatModel):
    """``upstream`` for what may go there, ``local`` for the rest."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    local: BaseChatModel
    upstream: BaseChatModel
    upstream_external: bool
    screen: Screen

    @property
    def _llm_type(self) -> str:
        return "routed"

    def _choose(self, messages: list[BaseMessage]) -> BaseChatModel:
        if not self.upstream_external:
            return self.upstream
        personal = any(self.screen.screen(str(m.content)).personal for m in messages)
        if personal:
            log.debug("answer with personal data: written by the local model")
            return self.local
        return self.upstream

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self._choose(messages).invoke(messages, stop=stop, **kwargs)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        model = self._choose(messages)
        for chunk in model.stream(messages, stop=stop, **kwargs):
            yield ChatGenerationChunk(message=AIMessageChunk(content=chunk.content))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        model = await asyncio.to_thread(self._choose, messages)  # the screen's NER: a thread
        async for chunk in model.astream(messages, stop=stop, **kwargs):
            if run_manager is not None:
                await run_manager.on_llm_new_token(str(chunk.content))
            yield ChatGenerationChunk(message=AIMessageChunk(content=chunk.content))
