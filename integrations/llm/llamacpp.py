"""Embedded llama.cpp as a LangChain chat model: the default when no LLM server is set.

The GGUF loads in :meth:`LlamaCppChatModel.load` (seconds, hundreds of MB), never at import.
Generation runs in the model's own worker thread (never asyncio's default executor, which
retrieval and embeddings use); tokens cross to the event loop through a queue. A consumer
that stops listening (timeout, disconnect) stops the generation at the next token, and one
that gave up while the generation was still waiting for the model stops it before its prompt
is evaluated.

Faster paths (``integrations.llm.llamacpp_speed``), each a setting: a RAM cache of the
constant prompt prefix (the system prompt), and speculative decoding with drafts from the
prompt itself or from a small model with the same tokenizer. At temperature 0 both give the
plain path's text; ``benchmarks/model_path.py`` measures them side by side.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_DONE = object()

Speculative = Literal["off", "prompt_lookup", "draft"]


@dataclass(frozen=True, slots=True)
class RunStats:
    """What the last generation cost the model, in tokens rather than seconds (a shared
    machine's timings wander; these do not)."""

    prefix: str  # the prefix cache's action: restored, kept, evaluated, none, or off
    prompt_evaluated: int  # prompt tokens run through the model (the rest came from the KV)
    steps: int  # decode calls after the prompt: one per token, fewer with accepted drafts


class LlamaCppChatModel(BaseChatModel):
    model_path: Path
    n_ctx: int = 4096
    n_threads: int | None = None
    max_tokens: int = 320
    temperature: float = 0.0
    prefix_cache: bool = False
    prefix_cache_mb: int = 64
    speculative: Speculative = "off"
    draft_tokens: int = 2
    draft_model_path: Path | None = None

    _llama: Any = PrivateAttr(default=None)
    _prefix: Any = PrivateAttr(default=None)
    _last_run: RunStats | None = PrivateAttr(default=None)
    _load_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _run_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _worker: ThreadPoolExecutor = PrivateAttr(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama")
    )

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    @property
    def last_run(self) -> RunStats | None:
        return self._last_run

    @property
    def prefix_cache_entries(self) -> int:
        return len(self._prefix) if self._prefix is not None else 0

    def load(self) -> None:
        with self._load_lock:
            if self._llama is not None:
                return
            if not self.model_path.is_file():
                raise FileNotFoundError(
                    f"GGUF model not found at {self.model_path}: run `perimeter models fetch`"
                )
            from integrations.llm.llamacpp_speed import (
                FastLlama,
                LlamaPromptLookupDecoding,
                PrefixCache,
                SmallModelDraft,
            )

            draft: Any = None
            if self.speculative == "prompt_lookup":
                draft = LlamaPromptLookupDecoding(num_pred_tokens=self.draft_tokens)
            elif self.speculative == "draft":
                draft = SmallModelDraft(self._load_draft(), self.draft_tokens)
            llama = FastLlama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                verbose=False,
            )
            if draft is not None:
                if self.speculative == "draft" and draft.llama.n_vocab() != llama.n_vocab():
                    raise ValueError(
                        f"the draft model {self.draft_model_path} has another tokenizer"
                        f" ({draft.llama.n_vocab()} tokens, not {llama.n_vocab()})"
                    )
                llama.draft_model = draft
                llama.verify_tokens = self.draft_tokens + 1
            if self.prefix_cache:
                self._prefix = PrefixCache(self.prefix_cache_mb << 20)
            self._llama = llama

    def _load_draft(self) -> Any:
        if self.draft_model_path is None or not self.draft_model_path.is_file():
            raise FileNotFoundError(
                f"draft GGUF model not found at {self.draft_model_path}:"
                " run `perimeter models fetch` for it, or set llm.speculative to off"
            )
        from llama_cpp import Llama

        return Llama(
            model_path=str(self.draft_model_path),
            n_ctx=self.n_ctx,
            n_threads=self.n_threads,
            verbose=False,
        )

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model's context (its own tokenizer)."""
        self.load()
        return len(self._llama.tokenize(text.encode(), add_bos=False, special=True))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        cancelled: threading.Event = kwargs.pop("cancelled", None) or threading.Event()
        self.load()
        payload = [
            {"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages
        ]
        with self._run_lock:  # one llama context: one generation at a time
            if cancelled.is_set():  # given up while waiting: no prompt evaluation
                return
            llama = self._llama
            llama.eval_sizes.clear()
            prefix = "off"
            if self._prefix is not None:
                prefix = self._prefix.prepare(llama, payload).action
            stream = llama.create_chat_completion(
                messages=payload,
                stream=True,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=self.temperature,
                stop=stop,
            )
            try:
                for part in stream:
                    if cancelled.is_set():
                        break
                    text = part["choices"][0]["delta"].get("content") or ""
                    if text:
                        chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                        if run_manager:
                            run_manager.on_llm_new_token(text, chunk=chunk)
                        yield chunk
            finally:
                stream.close()
                self._last_run = _run_stats(prefix, llama.eval_sizes)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancelled = threading.Event()

        def produce() -> None:
            try:
                for chunk in self._stream(messages, stop, cancelled=cancelled, **kwargs):
                    loop.call_soon_threadsafe(queue.put_nowait, chunk)
            except BaseException as exc:
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, _DONE)

        worker = loop.run_in_executor(self._worker, produce)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                if run_manager:
                    await run_manager.on_llm_new_token(item.text, chunk=item)
                yield item
        finally:
            # Stop at the next token; do not wait (prompt evaluation cannot be interrupted,
            # and the next generation waits for the run lock anyway).
            cancelled.set()
            worker.add_done_callback(lambda _: None)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _run_stats(prefix: str, sizes: list[int]) -> RunStats:
    before = 2 if prefix == "evaluated" else 1  # the prefix's evaluation, then the prompt's
    return RunStats(prefix, sum(sizes[:before]), max(len(sizes) - before, 0))
