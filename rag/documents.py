"""Source documents: one entry point that reads any supported knowledge-base file.

Formats, by file name (case-insensitive):

- ``.md``, ``.markdown``: Markdown with YAML front matter (id, title, lang, tags);
- ``.txt``: plain text, the first line is the title;
- ``.html``, ``.htm``: a web page, converted to Markdown (``rag.loaders.html``);
- ``.pdf``: the text layer of a PDF (``rag.loaders.pdf``);
- ``.docx``: a Word document, converted to Markdown (``rag.loaders.docx``);
- ``.faq.yaml``, ``.faq.yml``, ``.faq.csv``: question/answer pairs (``rag.loaders.faq``).

Only the double suffix makes a YAML or CSV file an FAQ: ``rates.yaml`` or ``export.csv`` is
refused as an unsupported format, so configuration or data files left in the folder are
never indexed by accident. Text formats may be up to ``MAX_FILE_BYTES`` (5 MB), PDF and
DOCX up to ``MAX_BINARY_FILE_BYTES`` (20 MB); the size is checked before a byte is read.
Every problem is a ``DocumentError`` naming the file and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rag.errors import DocumentError
from rag.loaders.base import FaqEntry, SourceDocument, content_hash
from rag.loaders.docx import load_docx
from rag.loaders.faq import load_faq_csv, load_faq_yaml
from rag.loaders.html import load_html
from rag.loaders.markdown import REQUIRED_KEYS, load_markdown
from rag.loaders.pdf import load_pdf
from rag.loaders.text import load_text

__all__ = [
    "MAX_BINARY_FILE_BYTES",
    "MAX_FILE_BYTES",
    "REQUIRED_KEYS",
    "SUPPORTED_SUFFIXES",
    "DocumentError",
    "FaqEntry",
    "SourceDocument",
    "content_hash",
    "discover",
    "load_document",
    "supported_suffix",
]

Loader = Callable[[Path, bytes, str], SourceDocument]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_BINARY_FILE_BYTES = 20 * 1024 * 1024

_LOADERS: dict[str, tuple[Loader, int]] = {
    ".md": (load_markdown, MAX_FILE_BYTES),
    ".markdown": (load_markdown, MAX_FILE_BYTES),
    ".txt": (load_text, MAX_FILE_BYTES),
    ".html": (load_html, MAX_FILE_BYTES),
    ".htm": (load_html, MAX_FILE_BYTES),
    ".pdf": (load_pdf, MAX_BINARY_FILE_BYTES),
    ".docx": (load_docx, MAX_BINARY_FILE_BYTES),
    ".faq.yaml": (load_faq_yaml, MAX_FILE_BYTES),
    ".faq.yml": (load_faq_yaml, MAX_FILE_BYTES),
    ".faq.csv": (load_faq_csv, MAX_FILE_BYTES),
}
SUPPORTED_SUFFIXES = tuple(_LOADERS)
_LONGEST_FIRST = sorted(SUPPORTED_SUFFIXES, key=len, reverse=True)
_MB = 1024 * 1024


def supported_suffix(path: Path) -> str | None:
    """The entry of ``SUPPORTED_SUFFIXES`` that ``path`` ends with, or None."""
    name = path.name.lower()
    for suffix in _LONGEST_FIRST:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return None


def load_document(path: Path) -> SourceDocument:
    """Read one file; raise DocumentError naming the file and the problem."""
    suffix = supported_suffix(path)
    if suffix is None:
        raise DocumentError(path, _unsupported(path))
    loader, limit = _LOADERS[suffix]
    data = _read(path, limit)
    if not data.strip():
        raise DocumentError(path, "empty document")
    return loader(path, data, content_hash(data))


def discover(directory: Path) -> list[Path]:
    """Every supported file below ``directory``, in a stable (sorted) order.

    Hidden files and folders (a name starting with ``.``) and Office lock files (``~$…``)
    are skipped.
    """
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file()
        and not _hidden(path.relative_to(directory))
        and supported_suffix(path) is not None
    )


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts) or relative.name.startswith("~$")


def _read(path: Path, limit: int) -> bytes:
    """The file's bytes; a file over ``limit`` is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise DocumentError(path, _too_large(size, limit))
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise DocumentError(path, f"cannot read: {exc.strerror}") from exc
    if len(data) > limit:  # grew while we looked
        raise DocumentError(path, _too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> str:
    return f"larger than {limit // _MB} MB ({size / _MB:.1f} MB)"


def _unsupported(path: Path) -> str:
    supported = ", ".join(SUPPORTED_SUFFIXES)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".csv"):
        return (
            f"unsupported format {suffix!r}: YAML and CSV are read only as FAQ files named "
            f"*.faq{suffix} (supported: {supported})"
        )
    if suffix == ".doc":
        return f"unsupported format '.doc' (old Word): save it as .docx (supported: {supported})"
    shown = repr(suffix) if suffix else "(no extension)"
    return f"unsupported format {shown} (supported: {supported})"
