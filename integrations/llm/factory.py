"""Settings-shaped config in, a streaming LangChain chat model out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel


@dataclass(frozen=True, slots=True)
class LLMConfig:
    backend: str  # "llamacpp" | "ollama" | "openai"
    model: str = ""
    ollama_host: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str = "not-needed"
    gguf_path: Path | None = None
    context_tokens: int = 4096
    threads: int = 0
    max_tokens: int = 320
    temperature: float = 0.1
    timeout_s: float = 120.0


class LLMConfigError(ValueError):
    pass


def build_chat_model(config: LLMConfig) -> BaseChatModel:
    if config.backend == "ollama":
        if not config.ollama_host:
            raise LLMConfigError("PERIMETER_LLM__OLLAMA_HOST is required for the ollama backend")
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=config.model,
            base_url=config.ollama_host,
            temperature=config.temperature,
            num_predict=config.max_tokens,
            num_ctx=config.context_tokens,
            client_kwargs={"timeout": config.timeout_s},
        )
    if config.backend == "openai":
        if not config.openai_base_url:
            raise LLMConfigError(
                "PERIMETER_LLM__OPENAI_BASE_URL is required for the openai backend"
            )
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        return ChatOpenAI(
            model=config.model,
            base_url=config.openai_base_url,
            api_key=SecretStr(config.openai_api_key),
            temperature=config.temperature,
            timeout=config.timeout_s,
            max_retries=0,
            streaming=True,
            # llama.cpp's server ignores max_completion_tokens; vLLM accepts both.
            extra_body={"max_tokens": config.max_tokens},
        )
    if config.backend == "llamacpp":
        if config.gguf_path is None:
            raise LLMConfigError("no GGUF path for the embedded llama.cpp backend")
        from integrations.llm.llamacpp import LlamaCppChatModel

        return LlamaCppChatModel(
            model_path=config.gguf_path,
            n_ctx=config.context_tokens,
            n_threads=config.threads or None,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
        )
    raise LLMConfigError(f"unknown LLM backend {config.backend!r}")
