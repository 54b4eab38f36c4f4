"""The document model and the helpers every loader shares."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import DocumentError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
KINDS = ("markdown", "text", "html", "pdf", "docx", "faq")
MAX_TITLE_CHARS = 200
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One answer and the several ways customers ask for it (the first is canonical)."""

    id: str
    questions: tuple[str, ...]
    answer: str


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One knowledge-base file, read.

    ``markdown`` is True when ``text`` is Markdown whose ``#``/``##``/``###`` headings the
    chunker may split on; ``kind`` names the source format (one of ``KINDS``); ``faq``
    holds the entries of an FAQ file (empty for every other kind).
    """

    doc_id: str
    title: str
    lang: str
    text: str
    path: Path
    content_hash: str
    tags: tuple[str, ...] = field(default=())
    markdown: bool = True
    kind: str = "markdown"
    faq: tuple[FaqEntry, ...] = field(default=())
    url: str | None = None  # where the bank publishes it: answers citing it link there


_URL = re.compile(r"^https?://[^\s\"'<>]{1,2000}$")


def document_url(path: Path, value: object) -> str | None:
    """A front matter's ``url``: an http(s) address, or None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _URL.match(value.strip()):
        raise DocumentError(path, "url must be an http:// or https:// address")
    return value.strip()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slug(name: str) -> str:
    """A file name as a document id: lowercase, runs of other characters become ``-``."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or "document"


def detect_lang(text: str) -> str:
    """``ru`` when Cyrillic letters outnumber Latin ones, else ``en``."""
    return "ru" if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)) else "en"


def first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:MAX_TITLE_CHARS]
    return ""


def decode_utf8(path: Path, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is allowed); binary content is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text:
        raise DocumentError(path, "binary content")
    return text


def checked_id(path: Path, value: str, where: str) -> str:
    if not ID_PATTERN.match(value):
        raise DocumentError(
            path, f"invalid id {value!r} in {where} (lowercase letters, digits, - . _)"
        )
    return value
