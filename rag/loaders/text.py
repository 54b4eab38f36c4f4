"""Plain text: the first line is the title, the file name the id."""

from __future__ import annotations

import re
from pathlib import Path

from rag.errors import DocumentError
from rag.loaders.base import SourceDocument, decode_utf8, slug


def load_text(path: Path, data: bytes, digest: str) -> SourceDocument:
    body = decode_utf8(path, data).strip()
    if not body:
        raise DocumentError(path, "empty document")
    first_line = body.splitlines()[0].strip()
    # Any Cyrillic letter makes a text file Russian (kept as it always was for .txt).
    lang = "ru" if re.search(r"[а-яё]", body, re.IGNORECASE) else "en"
    return SourceDocument(
        slug(path.stem), first_line[:200], lang, body, path, digest, markdown=False, kind="text"
    )
