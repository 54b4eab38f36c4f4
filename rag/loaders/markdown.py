"""Markdown with YAML front matter (id, title, lang, tags; optionally url)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from rag.errors import DocumentError
from rag.loaders.base import ID_PATTERN, SourceDocument, decode_utf8, document_url

REQUIRED_KEYS = ("id", "title", "lang", "tags")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)


def load_markdown(path: Path, data: bytes, digest: str) -> SourceDocument:
    raw = decode_utf8(path, data)
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
    if not ID_PATTERN.match(doc_id):
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
        doc_id,
        str(meta["title"]),
        lang,
        body,
        path,
        digest,
        tuple(str(t) for t in tags),
        url=document_url(path, meta.get("url")),
    )
