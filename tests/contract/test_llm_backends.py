"""Each LLM adapter against the real thing or the most real peer these machines can run:
embedded llama.cpp with a real GGUF; llama.cpp's own OpenAI-compatible server (the vLLM
path); an HTTP server speaking Ollama's wire format (no Ollama binary exists on PyPI)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from integrations.llm import LLMConfig, LLMConfigError, build_chat_backend
from integrations.llm.llamacpp import LlamaCppChatModel
from integrations.processes import free_port
from tests.support.doubles.ollama_server import OllamaDoubleConfig, run_ollama_double
from tests.support.servers import llama_cpp_server

MESSAGES = [
    SystemMessage("Отвечай кратко по-русски."),
    HumanMessage("Фрагмент: карта «Классика» стоит 99 рублей в месяц. Сколько стоит карта?"),
]


async def stream_text(model: object, **kwargs: object) -> list[str]:
    return [str(c.content) async for c in model.astream(MESSAGES, **kwargs)]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def embedded(test_gguf: Path) -> LlamaCppChatModel:
    backend = build_chat_backend(
        LLMConfig(backend="llamacpp", gguf_path=test_gguf, max_tokens=48, temperature=0)
    )
    assert isinstance(backend.model, LlamaCppChatModel)
    backend.warm_up()
    return backend.model


@pytest.mark.llm
async def test_embedded_llamacpp_streams_tokens(embedded: LlamaCppChatModel) -> None:
    pieces = await stream_text(embedded)
    assert len(pieces) > 2
    assert "99" in "".join(pieces)


@pytest.mark.llm
async def test_embedded_generation_stops_when_the_listener_leaves(
    embedded: LlamaCppChatModel,
) -> None:
    stream = embedded.astream(MESSAGES)
    first = await anext(stream)
    assert first.content
    await stream.aclose()
    # The run lock is released promptly: a new generation can start.
    pieces = await asyncio.wait_for(stream_text(embedded), timeout=120)
    assert pieces


@pytest.mark.llm
async def test_a_generation_given_up_while_waiting_never_evaluates_its_prompt(
    embedded: LlamaCppChatModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    llama = embedded._llama
    started: list[int] = []
    complete = llama.create_chat_completion

    def counted(*args: Any, **kwargs: Any) -> Any:
        started.append(1)
        return complete(*args, **kwargs)

    monkeypatch.setattr(llama, "create_chat_completion", counted)
    embedded._run_lock.acquire()  # another generation holds the model
    try:
        waiting = asyncio.create_task(anext(aiter(embedded.astream(MESSAGES))))
        await asyncio.sleep(0.3)
        waiting.cancel()  # the customer's time ran out while it waited
        with pytest.raises(asyncio.CancelledError):
            await waiting
    finally:
        embedded._run_lock.release()
    pieces = await asyncio.wait_for(stream_text(embedded), timeout=120)
    assert pieces
    assert started == [1], "only the generation still wanted was evaluated"


@pytest.mark.llm
def test_the_embedded_model_counts_tokens_with_its_own_tokenizer(
    embedded: LlamaCppChatModel,
) -> None:
    prose = "Сколько стоит обслуживание дебетовой карты в месяц?"
    assert 0 < embedded.count_tokens(prose) < len(prose)
    assert embedded.count_tokens(prose * 10) > 5 * embedded.count_tokens(prose)


def test_missing_gguf_says_how_to_fetch(tmp_path: Path) -> None:
    model = LlamaCppChatModel(model_path=tmp_path / "absent.gguf")
    with pytest.raises(FileNotFoundError, match="perimeter models fetch"):
        model.load()


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        (LLMConfig(backend="ollama"), "PERIMETER_LLM__OLLAMA_HOST"),
        (LLMConfig(backend="openai"), "PERIMETER_LLM__OPENAI_BASE_URL"),
        (LLMConfig(backend="gpt"), "unknown LLM backend"),
    ],
)
def test_incomplete_config_names_the_setting(config: LLMConfig, setting: str) -> None:
    with pytest.raises(LLMConfigError, match=setting):
        build_chat_backend(config)


@pytest.fixture(scope="module")
def llama_server(test_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server, a real process on 127.0.0.1."""
    with llama_cpp_server(test_gguf, "qwen-test", tmp_path_factory.mktemp("llama")) as base:
        yield base


@pytest.fixture
async def openai_model(llama_server: str) -> AsyncIterator[object]:
    backend = build_chat_backend(
        LLMConfig(backend="openai", model="qwen-test", openai_base_url=llama_server, max_tokens=6)
    )
    yield backend.model
    await backend.aclose()


@pytest.mark.llm
async def test_openai_compatible_streams_and_honours_max_tokens(openai_model: object) -> None:
    pieces = await stream_text(openai_model)
    text = "".join(pieces)
    assert len([p for p in pieces if p]) >= 2  # streamed, not one block
    assert 0 < len(text) < 80  # max_tokens=6 reached the server through extra_body


@pytest.mark.llm
async def test_a_call_may_ask_for_a_shorter_answer_than_the_backend_writes(
    llama_server: str,
) -> None:
    """The gateway's max_tokens reaches the server through the backend's call options (its
    extra_body would otherwise send the configured length)."""
    backend = build_chat_backend(
        LLMConfig(backend="openai", model="qwen-test", openai_base_url=llama_server, max_tokens=64)
    )
    try:
        short = await stream_text(backend.model, **backend.call_options(2, None))
    finally:
        await backend.aclose()
    assert 1 <= len([p for p in short if p]) <= 2


async def test_openai_compatible_server_down_raises() -> None:
    backend = build_chat_backend(
        LLMConfig(
            backend="openai",
            model="x",
            timeout_s=5,
            openai_base_url=f"http://127.0.0.1:{free_port()}/v1",
        )
    )
    try:
        with pytest.raises(Exception, match="Connection"):
            await stream_text(backend.model)
    finally:
        await backend.aclose()


async def test_ollama_adapter_streams_with_options() -> None:
    config = OllamaDoubleConfig(models=["qwen2.5:7b-instruct"], reply="Карта стоит 99 ₽ в месяц.")
    async with run_ollama_double(config) as url:
        backend = build_chat_backend(
            LLMConfig(
                backend="ollama",
                model="qwen2.5:7b-instruct",
                ollama_host=url,
                max_tokens=64,
                temperature=0.1,
            )
        )
        try:
            pieces = await stream_text(backend.model)
        finally:
            await backend.aclose()
    assert "".join(pieces).strip() == "Карта стоит 99 ₽ в месяц."
    assert len(pieces) > 3
    request = config.requests[0]
    assert request["options"]["num_predict"] == 64
    assert request["messages"][0]["role"] == "system"


async def test_ollama_adapter_times_out_on_a_hanging_server() -> None:
    config = OllamaDoubleConfig(models=["m"], hang=True)
    async with run_ollama_double(config) as url:
        backend = build_chat_backend(
            LLMConfig(backend="ollama", model="m", ollama_host=url, timeout_s=0.5)
        )
        try:
            with pytest.raises(httpx.TimeoutException):
                await stream_text(backend.model)
        finally:
            await backend.aclose()


QUESTION = [HumanMessage("Карта «Классика» бесплатная? Ответь одним словом.")]


@pytest.mark.llm
async def test_openai_extra_body_reaches_the_server(llama_server: str) -> None:
    """A server's own request option (llama.cpp server's GBNF grammar) set in
    ``llm.openai_extra_body`` is obeyed by the server; max_tokens stays its own setting."""
    backend = build_chat_backend(
        LLMConfig(
            backend="openai",
            model="qwen-test",
            openai_base_url=llama_server,
            max_tokens=8,
            extra_body={"grammar": 'root ::= "ДА" | "НЕТ"', "max_tokens": 300},
        )
    )
    try:
        pieces = [str(c.content) async for c in backend.model.astream(QUESTION)]
    finally:
        await backend.aclose()
    assert "".join(pieces).strip() in {"ДА", "НЕТ"}
    assert backend.model.extra_body == {  # type: ignore[attr-defined]
        "grammar": 'root ::= "ДА" | "НЕТ"',
        "max_tokens": 8,
    }


async def test_ollama_keep_alive_reaches_the_server() -> None:
    config = OllamaDoubleConfig(models=["qwen2.5:7b-instruct"], reply="Карта стоит 99 ₽.")
    async with run_ollama_double(config) as url:
        backend = build_chat_backend(
            LLMConfig(
                backend="ollama",
                model="qwen2.5:7b-instruct",
                ollama_host=url,
                ollama_keep_alive="30m",
            )
        )
        try:
            [c async for c in backend.model.astream(QUESTION)]
        finally:
            await backend.aclose()
    assert config.requests[0]["keep_alive"] == "30m"
