"""The OpenAI API's shapes, as much of them as the gateway serves, every field bounded.

Requests are what the ``openai`` client and LangChain's ``ChatOpenAI`` send; unknown fields
are ignored (clients send many), fields the gateway cannot honour (tools, images, ``n`` over
1) are refused with 400 rather than silently dropped.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_MODEL_CHARS = 128
MAX_STOP = 4
MAX_EMBEDDING_INPUTS = 256
MAX_EMBEDDING_CHARS = 8_000


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(max_length=32)
    text: str | None = None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant"]
    content: str | Annotated[list[ContentPart], Field(max_length=64)] | None = None
    tool_calls: list[Any] | None = None

    def text(self) -> str:
        """The message's text; a part that is not text is refused (``ValueError``)."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        texts = []
        for part in self.content:
            if part.type != "text" or part.text is None:
                raise ValueError(f"only text content is supported, not {part.type[:32]!r}")
            texts.append(part.text)
        return "\n".join(texts)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=MAX_MODEL_CHARS)
    messages: list[MessageIn] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    max_completion_tokens: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    stop: (
        str
        | Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=MAX_STOP)]
        | None
    ) = None
    seed: int | None = None
    n: Annotated[int, Field(ge=1, le=1)] = 1
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    user: str | None = Field(default=None, max_length=256)

    @field_validator("stop")
    @classmethod
    def _stop_bounded(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, str) and len(value) > 64:
            raise ValueError("a stop sequence is at most 64 characters")
        return value

    def stops(self) -> tuple[str, ...]:
        if self.stop is None:
            return ()
        return (self.stop,) if isinstance(self.stop, str) else tuple(self.stop)

    def answer_budget(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1, max_length=MAX_MODEL_CHARS)
    input: (
        Annotated[str, Field(max_length=MAX_EMBEDDING_CHARS)]
        | Annotated[
            list[Annotated[str, Field(max_length=MAX_EMBEDDING_CHARS)]],
            Field(min_length=1, max_length=MAX_EMBEDDING_INPUTS),
        ]
    )
    encoding_format: Literal["float", "base64"] = "float"
    user: str | None = Field(default=None, max_length=256)

    def texts(self) -> list[str]:
        return [self.input] if isinstance(self.input, str) else list(self.input)


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    """OpenAI's error object: what its clients parse into ``APIError``."""

    error: ErrorDetail
