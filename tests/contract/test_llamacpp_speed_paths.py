"""The embedded model's faster paths (prefix cache, speculative decoding) on the small real
model, and the server backends' passthrough options on a real llama.cpp server and the Ollama
double. Speed is the benchmark's business (benchmarks/model_path.py): these check that the
paths are taken, give the plain path's text at temperature 0, and still stop when cancelled."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.container import resolve_llm_config
from bot.settings import SettingsError
from integrations.llm import LLMConfig, LLMConfigError, build_chat_backend
from integrations.llm.catalog import MODELS
from integrations.llm.fetch import model_path
from integrations.llm.llamacpp import LlamaCppChatModel
from prompts import default_library
from rag.grounding import ABSTAIN_MARKER
from tests.conftest import KB_DIR, TEST_MODEL, cache_dir, make_settings

MAX_TOKENS = 40


def answer_messages(question: str, lang: str = "ru") -> list[BaseMessage]:
    """An answer prompt as the answerer builds it: its system prompt, a real passage."""
    texts = default_library()
    section = (KB_DIR / "cards-debit-fees.md").read_text(encoding="utf-8").split("\n## ")[1]
    title, _, body = section.partition("\n")
    passage = SimpleNamespace(title="Дебетовые карты", section=title, text=body.strip())
    human = texts.render(
        "answer",
        lang,
        passages=[passage],
        lines=[],
        history=[],
        question=question,
        marker=ABSTAIN_MARKER,
    )
    return [SystemMessage(texts.render("system", lang, marker=ABSTAIN_MARKER)), HumanMessage(human)]


# An answer that copies a long stretch of its passage (drafts from the prompt are accepted).
QUESTION = "Расскажи подробно про обслуживание карты «Классика»: стоимость и условия."
OTHER_QUESTION = "Как сделать обслуживание бесплатным?"


def summary_messages() -> list[BaseMessage]:
    system = default_library().render("operator_summary", "ru")
    return [SystemMessage(system), HumanMessage("<<<\nКлиент: потерял карту\n>>>")]


def text(model: LlamaCppChatModel, messages: list[BaseMessage], max_tokens: int) -> str:
    return "".join(c.text for c in model._stream(messages, max_tokens=max_tokens))


def loaded(gguf: Path, **options: Any) -> LlamaCppChatModel:
    model = LlamaCppChatModel(
        model_path=gguf, temperature=0.0, **{"max_tokens": MAX_TOKENS, **options}
    )
    model.load()
    return model


@pytest.fixture(scope="module")
def plain(test_gguf: Path) -> LlamaCppChatModel:
    return loaded(test_gguf)


@pytest.fixture(scope="module")
def reference(plain: LlamaCppChatModel) -> str:
    """The plain path's answer, from an empty context."""
    plain._llama.reset()
    return text(plain, answer_messages(QUESTION), MAX_TOKENS)


def last_logits(llama: Any, tokens: list[int]) -> np.ndarray[Any, Any]:
    import llama_cpp

    generation = llama.generate(tokens, temp=0.0)
    next(generation)
    pointer = llama_cpp.llama_get_logits_ith(llama.ctx, -1)
    logits = np.ctypeslib.as_array(pointer, shape=(llama.n_vocab(),)).copy()
    generation.close()
    return logits


@pytest.mark.llm
def test_a_prompt_gives_the_same_logits_whatever_ran_before(
    plain: LlamaCppChatModel,
) -> None:
    """llama.cpp's CPU kernels round a batch's rows by their place in groups of four: a
    prompt that reuses 254 tokens of the previous one would be evaluated from an odd place.
    The embedded model evaluates prompts from whole groups, so the logits are bit for bit
    those of an empty context."""
    llama = plain._llama
    prompt = llama.tokenize(
        (str(answer_messages(QUESTION)[0].content) * 2).encode(), add_bos=False, special=True
    )
    assert len(prompt) > 300
    llama.reset()
    cold = last_logits(llama, prompt)
    llama.reset()
    other = [*prompt[:254], *llama.tokenize(" совсем другой вопрос".encode(), add_bos=False)]
    last_logits(llama, other)  # the context now holds 254 tokens of the prompt, and more
    again = last_logits(llama, prompt)
    assert np.array_equal(cold, again)


@pytest.mark.llm
def test_prefix_cache_restores_the_system_prompt_and_keeps_the_text(
    test_gguf: Path, reference: str
) -> None:
    model = loaded(test_gguf, prefix_cache=True, prefix_cache_mb=16)
    text(model, answer_messages(OTHER_QUESTION), 1)  # the prefix is evaluated and kept
    assert model.last_run is not None and model.last_run.prefix == "evaluated"
    text(model, summary_messages(), 1)  # the operator summary's system prompt replaces it
    answer = text(model, answer_messages(QUESTION), MAX_TOKENS)
    assert model.last_run is not None and model.last_run.prefix == "restored"
    assert answer == reference
    assert model.prefix_cache_entries == 2  # the answer's and the summary's system prompts
    plain_tokens = model.count_tokens(str(answer_messages(QUESTION)[1].content))
    assert model.last_run.prompt_evaluated < plain_tokens + 16  # the system prompt was not


@pytest.mark.llm
def test_prompt_lookup_keeps_the_text_with_fewer_decode_steps(
    test_gguf: Path, plain: LlamaCppChatModel, reference: str
) -> None:
    """Drafts are verified greedily, so at temperature 0 the text is the model's own. Not
    guaranteed to the letter: a verification batch rounds differently from one token at a
    time, and a near tie can flip (1 of the eval's 27 answers with this model; the benchmark
    counts them), which is why prompt lookup is not on by default."""
    model = loaded(test_gguf, speculative="prompt_lookup", draft_tokens=6)
    answer = text(model, answer_messages(QUESTION), MAX_TOKENS)
    assert answer == reference
    assert model.last_run is not None
    assert model.last_run.steps < model.count_tokens(answer) - 1  # drafts were accepted


@pytest.mark.llm
async def test_a_cancelled_speculative_generation_stops(test_gguf: Path) -> None:
    model = loaded(test_gguf, prefix_cache=True, speculative="prompt_lookup", draft_tokens=2)
    text(model, answer_messages(QUESTION), MAX_TOKENS)
    assert model.last_run is not None
    whole = model.last_run.steps
    assert whole > 2
    stream = model.astream(answer_messages(QUESTION))
    first = await anext(stream)
    assert first.content
    await stream.aclose()
    # The run lock is free again soon: the generation stopped at its next step.
    await asyncio.wait_for(asyncio.to_thread(model._run_lock.acquire), timeout=60)
    model._run_lock.release()
    assert model.last_run is not None
    assert model.last_run.steps < whole


@pytest.mark.llm
def test_settings_reach_the_llama_objects(clean_env: None, test_gguf: Path, tmp_path: Path) -> None:
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    from integrations.llm.llamacpp_speed import SmallModelDraft

    settings = make_settings(
        tmp_path,
        test_gguf,
        llm={
            "backend": "llamacpp",
            "gguf_path": test_gguf,
            "prefix_cache": True,
            "prefix_cache_mb": 8,
            "speculative": "prompt_lookup",
            "draft_tokens": 4,
        },
    )
    backend = build_chat_backend(resolve_llm_config(settings))
    backend.warm_up()
    model = backend.model
    assert isinstance(model, LlamaCppChatModel)
    draft = model._llama.draft_model
    assert isinstance(draft, LlamaPromptLookupDecoding)
    assert draft.num_pred_tokens == 4
    assert model._llama.verify_tokens == 5
    assert model._prefix.capacity_bytes == 8 << 20

    # A small model drafting: the same tokenizer (here the same file, for speed).
    drafting = build_chat_backend(
        LLMConfig(
            backend="llamacpp",
            gguf_path=test_gguf,
            speculative="draft",
            draft_gguf_path=test_gguf,
            draft_tokens=3,
            prefix_cache=False,
        )
    )
    drafting.warm_up()
    assert isinstance(drafting.model, LlamaCppChatModel)
    small = drafting.model._llama.draft_model
    assert isinstance(small, SmallModelDraft)
    assert small.num_pred_tokens == 3
    assert drafting.model._prefix is None
    answer = text(drafting.model, answer_messages(QUESTION), 12)
    assert answer
    assert drafting.model.last_run is not None
    assert drafting.model.last_run.steps < drafting.model.count_tokens(answer) - 1


def test_draft_settings_name_the_draft_model(clean_env: None, tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, llm={"speculative": "draft", "draft_model": "qwen2.5-coder-0.5b"}
    )
    config = resolve_llm_config(settings)
    assert config.speculative == "draft"
    assert config.draft_gguf_path == model_path(MODELS[TEST_MODEL], cache_dir())
    with pytest.raises(LLMConfigError, match="DRAFT_MODEL"):
        build_chat_backend(
            LLMConfig(backend="llamacpp", gguf_path=tmp_path / "m.gguf", speculative="draft")
        )
    with pytest.raises(LLMConfigError, match="SPECULATIVE"):
        build_chat_backend(
            LLMConfig(backend="llamacpp", gguf_path=tmp_path / "m.gguf", speculative="ngram")
        )
    with pytest.raises(SettingsError, match="PERIMETER_LLM__SPECULATIVE"):
        make_settings(tmp_path, llm={"speculative": "eagle"})
