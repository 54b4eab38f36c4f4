"""Source documents: Markdown with YAML front matter, and plain text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rag.errors import DocumentError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")
REQUIRED_KEYS = ("id", "title", "lang", "tags")
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceDocument:
    doc_id: str
    title: str
    lang: str
    text: str
    path: Path
    content_hash: str
    tags: tuple[str, ...] = field(default=())
    markdown: bool = True


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_document(path: Path) -> SourceDocument:
    """Read one file; raise DocumentError naming the file and the problem."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(path, f"unsupported format {path.suffix!r} (use .md or .txt)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path, f"cannot read: {exc.strerror}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(path, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in raw:
        raise DocumentError(path, "binary content")
    digest = content_hash(data)
    if path.suffix.lower() == ".txt":
        return _plain_text(path, raw, digest)
    return _markdown(path, raw, digest)


def _plain_text(path: Path, raw: str, digest: str) -> SourceDocument:
    body = raw.strip()
    if not body:
        raise DocumentError(path, "empty document")
    first_line = body.splitlines()[0].strip()
    lang = "ru" if re.search(r"[а-яё]", body, re.IGNORECASE) else "en"
    doc_id = re.sub(r"[^a-z0-9._-]+", "-", path.stem.lower()).strip("-") or "document"
    return SourceDocument(doc_id, first_line[:200], lang, body, path, digest, markdown=False)


def _markdown(path: Path, raw: str, digest: str) -> SourceDocument:
    match = _FRONT_MATTER.match(raw)
    if not match:
        raise DocumentError(path, "missing YAML front matter (--- id/title/lang/tags ---)")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise DocumentError(path, f"broken front matter{where}") from exc
    if not isinstance(meta, dict):
        raise DocumentError(path, "front matter must be a mapping")
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise DocumentError(path, f"front matter lacks {', '.join(missing)}")
    doc_id = str(meta["id"])
    if not _ID.match(doc_id):
        raise DocumentError(path, f"invalid id {doc_id!r} (lowercase letters, digits, - . _)")
    lang = str(meta["lang"])
    if lang not in ("ru", "en"):
        raise DocumentError(path, f"lang must be ru or en, got {lang!r}")
    tags = meta["tags"] or []
    if not isinstance(tags, list):
        raise DocumentError(path, "tags must be a list")
    body = match.group(2).strip()
    if not body:
        raise DocumentError(path, "empty document")
    return SourceDocument(
        doc_id, str(meta["title"]), lang, body, path, digest, tuple(str(t) for t in tags)
    )


def discover(directory: Path) -> list[Path]:
    """Every file below ``directory`` that looks like a document, in a stable order."""
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
    )
