"""Releasing a chat model's connections and memory at shutdown."""

from __future__ import annotations

import inspect
from typing import Any

from langchain_core.language_models import BaseChatModel


async def close_chat_model(model: BaseChatModel) -> None:
    """Close the HTTP clients the LangChain integrations keep open (they never do it)."""
    for attribute in (
        "_async_client",
        "_client",
        "async_client",
        "client",
        "root_async_client",
        "root_client",
    ):
        client: Any = getattr(model, attribute, None)
        close = getattr(client, "aclose", None) or getattr(client, "close", None)
        if close is None:
            continue
        result = close()
        if inspect.isawaitable(result):
            await result
