"""Language-model backends behind one port: LangChain's ``BaseChatModel``.

- Ollama (langchain-ollama), host from settings;
- any OpenAI-compatible server such as vLLM or llama.cpp's server (langchain-openai);
- embedded llama.cpp (llama-cpp-python) with a GGUF from the cache — the default;
- :class:`ScriptedChatModel`, which replays a scripted reply: the stand-in for all three
  wherever the model's words are not what is being tested.
"""

from integrations.llm.factory import (
    ChatBackend,
    LLMConfig,
    LLMConfigError,
    ModelNotReady,
    build_chat_backend,
)
from integrations.llm.scripted import ScriptedChatModel

__all__ = [
    "ChatBackend",
    "LLMConfig",
    "LLMConfigError",
    "ModelNotReady",
    "ScriptedChatModel",
    "build_chat_backend",
]
