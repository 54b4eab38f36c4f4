"""The embedded model's faster paths: a RAM cache of the constant prompt prefix, and
speculative decoding (prompt lookup, or a small draft model with the same tokenizer).

Imported by :meth:`LlamaCppChatModel.load` only: it imports llama_cpp.

**Prefix cache.** llama.cpp keeps the previous prompt's KV and reuses the longest common
token prefix, so an answer that follows an answer skips the system prompt. An answer that
follows an operator summary (another system prompt) or an answer in the other language does
not: the chat template puts the system prompt first, and the two prompts share three tokens.
:class:`PrefixCache` keeps the KV of each constant prefix (the system messages and the user
turn's opening, as the model's chat template renders them) in RAM, and restores it into the
context when the context does not already hold it. Restored KV are the bytes the same model
computed for the same tokens, so the text does not change.

**Speculative decoding.** :class:`FastLlama` verifies a draft in one batch and keeps the
tokens the model itself would have chosen (greedy at temperature 0: the same text), asking
llama.cpp for every position's logits only in those short verification batches, never for
the prompt (llama-cpp-python's own ``draft_model`` path computes and copies the logits of
every prompt token, which costs the first token time). The drafts come from the prompt
(:class:`llama_cpp.llama_speculative.LlamaPromptLookupDecoding`: answers copy words from
the passages) or from a small model with the same tokenizer (:class:`SmallModelDraft`).
"""

from __future__ import annotations

import ctypes
import logging
from collections import OrderedDict
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import llama_cpp
import numpy as np
import numpy.typing as npt
from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter
from llama_cpp.llama_speculative import LlamaDraftModel, LlamaPromptLookupDecoding

log = logging.getLogger(__name__)

_SEQ = 0  # llama-cpp-python's one sequence
_SHORTEST_PREFIX = 16  # tokens; a shorter constant prefix is not worth a state copy

__all__ = [
    "FastLlama",
    "LlamaPromptLookupDecoding",
    "PrefixCache",
    "PrefixOutcome",
    "SmallModelDraft",
    "common_prefix",
]


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common prefix of two token sequences."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


GROUP = 4
"""llama.cpp's CPU kernels for repacked quantized weights take a batch's rows four at a time
and the rows left over one by one, and the two round differently: a token's KV depends on
where its batch started, modulo 4 (measured: a prompt split at 254 instead of 256 moves the
last logits by 0.3, enough to turn an answer into an abstention at temperature 0)."""


class FastLlama(Llama):
    """:class:`llama_cpp.Llama` with a canonical prompt evaluation and cheaper verification.

    *Canonical prompts.* llama-cpp-python reuses the longest common prefix of the previous
    prompt, wherever it ends, so the same prompt evaluated after another one can give other
    logits than from an empty context (see :data:`GROUP`), and a temperature-0 answer depends
    on what ran before it. Here a prompt's batches always start at a multiple of
    :data:`GROUP`, and only the positions that an earlier prompt evaluated in whole groups are
    reused (``canonical``): a prompt's KV and logits are the same whatever ran before, as from
    an empty context (at most three tokens more are evaluated).

    *Verification.* While a draft model is set, llama.cpp is asked for every position's logits
    only in a decode step's batch (the token and its draft), never for a prompt, and logits
    are never copied to Python (sampling reads them in C; the copy serves logprobs, which
    nothing here asks for). llama-cpp-python's own ``draft_model`` path computes and copies the
    logits of every prompt token.

    It logs the size of each evaluation: :class:`LlamaCppChatModel` turns it into the figures
    of its last run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.verify_tokens = 0  # 1 + the draft's length while a draft model is set
        self.eval_sizes: list[int] = []
        self.canonical = 0  # positions below this hold KV computed as from an empty context
        self._prompt_next = False
        self._step = self.n_batch - self.n_batch % GROUP

    def generate(
        self, tokens: Sequence[int], *args: Any, **kwargs: Any
    ) -> Generator[int, Sequence[int] | None, None]:
        # The first evaluation of a generation is its prompt, the others its decode steps.
        self._prompt_next = True
        yield from super().generate(tokens, *args, **kwargs)

    def eval(self, tokens: Sequence[int]) -> None:
        if self._prompt_next:
            self._prompt_next = False
            self.eval_prompt(tokens)
            return
        every = self.draft_model is not None and 0 < len(tokens) <= self.verify_tokens
        self.eval_sizes.append(len(tokens))
        self._decode(list(tokens), every)

    def eval_prompt(self, tokens: Sequence[int]) -> None:
        """Evaluate prompt tokens after ``n_tokens`` from a whole group (see the class)."""
        start = min(self.n_tokens, self.canonical)
        start -= start % GROUP
        pending = [*self.input_ids[start : self.n_tokens].tolist(), *tokens]
        self.n_tokens = start
        self.eval_sizes.append(len(pending))
        self._decode(pending, False)
        self.canonical = self.n_tokens - self.n_tokens % GROUP

    def _decode(self, tokens: list[int], every: bool) -> None:
        self.canonical = min(self.canonical, self.n_tokens)
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        for start in range(0, len(tokens), self._step):
            batch = tokens[start : start + self._step]
            n_past = self.n_tokens
            self._batch.set_batch(batch=batch, n_past=n_past, logits_all=every)
            self._ctx.decode(self._batch)
            self.input_ids[n_past : n_past + len(batch)] = batch
            self.n_tokens += len(batch)
            self._requires_eval = False

    def reset(self) -> None:
        super().reset()  # type: ignore[no-untyped-call]
        self.canonical = 0


class SmallModelDraft(LlamaDraftModel):
    """Drafts ``num_pred_tokens`` tokens greedily with a small model that shares the big
    one's tokenizer (Qwen2.5 0.5B for 1.5B). Its context reuses the common prefix of the
    previous call, so each call evaluates only the tokens accepted since."""

    def __init__(self, llama: Any, num_pred_tokens: int) -> None:
        self.llama = llama
        self.num_pred_tokens = num_pred_tokens

    def __call__(self, input_ids: npt.NDArray[np.intc], /, **kwargs: Any) -> npt.NDArray[np.intc]:
        drafted: list[int] = []
        eos = self.llama.token_eos()
        room = self.llama.n_ctx() - len(input_ids) - 1
        if room <= 0:
            return np.array([], dtype=np.intc)
        generator = self.llama.generate(input_ids.tolist(), temp=0.0, reset=True)
        try:
            for token in generator:
                if token == eos or llama_cpp.llama_vocab_is_eog(self.llama._model.vocab, token):
                    break
                drafted.append(int(token))
                if len(drafted) >= min(self.num_pred_tokens, room):
                    break
        finally:
            generator.close()
        return np.array(drafted, dtype=np.intc)


@dataclass(frozen=True, slots=True)
class PrefixOutcome:
    """What the cache did before a generation: ``restored`` the prefix's KV, found it
    ``kept`` in the context already, ``evaluated`` it (and stored it), or nothing
    (``none``: the prompt has no constant prefix worth keeping)."""

    action: str
    prefix_tokens: int = 0


@dataclass
class _Entry:
    state: bytes
    tokens: tuple[int, ...]


@dataclass
class PrefixCache:
    """KV states of constant prompt prefixes, least recently used first out, in at most
    ``capacity_bytes`` (a 250-token system prompt is ~7 MB for Qwen2.5 1.5B, ~3 MB for
    0.5B)."""

    capacity_bytes: int
    hits: int = 0
    misses: int = 0
    _entries: OrderedDict[tuple[int, ...], _Entry] = field(default_factory=OrderedDict)
    _formatters: dict[int, Any] = field(default_factory=dict)

    @property
    def size_bytes(self) -> int:
        return sum(len(e.state) for e in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def prepare(self, llama: Any, messages: list[dict[str, str]]) -> PrefixOutcome:
        """Leave the constant prefix of ``messages``'s prompt in ``llama``'s context (restored
        from RAM, or evaluated and stored), so that its generation evaluates only the rest.
        Called under the model's run lock, just before ``create_chat_completion``."""
        split = self._split(llama, messages)
        if split is None:
            return PrefixOutcome("none")
        prompt, length = split
        key = tuple(prompt[:length])
        held = min(
            common_prefix(llama.input_ids[: llama.n_tokens].tolist(), prompt), llama.canonical
        )
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            if held >= length:
                self.hits += 1
                return PrefixOutcome("kept", length)
            if self._restore(llama, entry):
                self.hits += 1
                return PrefixOutcome("restored", length)
            del self._entries[key]
            held = 0
        self.misses += 1
        # The context must hold exactly the prefix to copy its state: what it holds past the
        # prefix is given up, once per prefix (the rest of two prompts rarely matches anyway).
        keep = min(held, length)
        llama.n_tokens = keep
        llama.eval_prompt(list(key[keep:]))
        self._store(llama, key)
        return PrefixOutcome("evaluated", length)

    def _split(self, llama: Any, messages: list[dict[str, str]]) -> tuple[list[int], int] | None:
        """The prompt's tokens as llama-cpp-python will evaluate them, and the length of its
        constant prefix: what it shares with the same system messages and an empty user turn."""
        formatter = self._formatter(llama)
        system = messages[: _leading_system(messages)]
        if formatter is None or not system or len(system) == len(messages):
            return None
        prompt = _tokens(llama, formatter, messages)
        head = _tokens(llama, formatter, [*system, {"role": "user", "content": ""}])
        length = common_prefix(prompt, head)
        length -= length % GROUP  # a whole group: restored KV are those of a whole prompt
        if length < _SHORTEST_PREFIX or length >= len(prompt):
            return None
        return prompt, length

    def _formatter(self, llama: Any) -> Any:
        known = self._formatters.get(id(llama))
        if known is not None:
            return known or None
        template = llama.metadata.get("tokenizer.chat_template")
        if llama.chat_format != "chat_template.default" or not template:
            # Another chat format renders prompts its own way: no prefix is cut from them.
            log.warning("prefix cache off: the model's chat format is %s", llama.chat_format)
            self._formatters[id(llama)] = False
            return None
        # As Llama.__init__ builds the handler of the GGUF's own template.
        eos, bos = llama.token_eos(), llama.token_bos()
        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )
        self._formatters[id(llama)] = formatter
        return formatter

    def _store(self, llama: Any, key: tuple[int, ...]) -> None:
        size = llama_cpp.llama_state_seq_get_size(llama.ctx, _SEQ)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(llama.ctx, buffer, size, _SEQ)
        if written == 0 or written > self.capacity_bytes:
            return
        self._entries[key] = _Entry(bytes(buffer)[:written], key)
        while self.size_bytes > self.capacity_bytes and len(self._entries) > 1:
            self._entries.popitem(last=False)

    def _restore(self, llama: Any, entry: _Entry) -> bool:
        llama._ctx.kv_cache_clear()
        llama.n_tokens = llama.canonical = 0
        llama._requires_eval = True
        source = (ctypes.c_uint8 * len(entry.state)).from_buffer_copy(entry.state)
        if llama_cpp.llama_state_seq_set_data(llama.ctx, source, len(entry.state), _SEQ) == 0:
            # Never generate on a half-written context: start from nothing instead.
            llama._ctx.kv_cache_clear()
            log.warning("llama.cpp refused a cached prefix state; evaluating the prefix")
            return False
        llama.input_ids[: len(entry.tokens)] = entry.tokens
        llama.n_tokens = llama.canonical = len(entry.tokens)
        return True


def _leading_system(messages: list[dict[str, str]]) -> int:
    count = 0
    for message in messages:
        if message.get("role") != "system":
            break
        count += 1
    return count


def _tokens(llama: Any, formatter: Any, messages: list[dict[str, str]]) -> list[int]:
    # As llama_chat_format's chat_formatter_to_chat_completion_handler tokenizes its prompt.
    result = formatter(messages=messages)
    tokens: list[int] = llama.tokenize(
        result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
    )
    return tokens
