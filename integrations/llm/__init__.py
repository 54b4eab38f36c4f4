"""Language-model backends behind one port: LangChain's ``BaseChatModel``.

- Ollama (langchain-ollama), host from settings;
- any OpenAI-compatible server such as vLLM or llama.cpp's server (langchain-openai);
- embedded llama.cpp (llama-cpp-python) with a GGUF from the cache — the default.
"""

from integrations.llm.factory import ChatBackend, LLMConfig, LLMConfigError, build_chat_backend

__all__ = ["ChatBackend", "LLMConfig", "LLMConfigError", "build_chat_backend"]
