"""PDF files: the text layer, with its headings, paragraphs and ruled tables as Markdown.

pypdf opens the file and checks it (a password, a damaged page, no text layer); the layout
(headings by type size, tables by their rules) comes from :mod:`rag.loaders.pdf_layout`. When
the layout cannot be read, the plain text of every page is used, without headings
(``markdown`` is False). The title is the PDF's ``/Title`` metadata, else the first non-empty
line; the language is guessed from the script; the id is a slug of the file name. A PDF that
needs a password to open is refused, as is one without a text layer (a scan: run OCR on it
first). A PDF restricted only by an owner password opens without one and is read.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from rag.errors import DocumentError
from rag.loaders.base import MAX_TITLE_CHARS, SourceDocument, detect_lang, first_line, slug
from rag.loaders.pdf_layout import pdf_markdown

log = logging.getLogger(__name__)

_HEADER_WINDOW = 1024  # the %PDF- header may follow a little junk, per the specification
_WORD_PREFIX = re.compile(r"^Microsoft (Word|PowerPoint) - ", re.IGNORECASE)
_HYPHENATED = re.compile(r"(\w)[-\u00ad][ \t]*\n[ \t]*(?=[a-zа-яё])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")

ENCRYPTED = "encrypted PDF: remove the password and save it again"
NO_TEXT = "no text layer: scanned PDF? (run OCR on it first)"


def load_pdf(path: Path, data: bytes, digest: str) -> SourceDocument:
    if not data.strip():
        raise DocumentError(path, "empty document")
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise DocumentError(path, "not a PDF file (no %PDF- header)")
    reader, pages = _read(path, data)
    text = clean_text("\n\n".join(pages))
    if not text:
        raise DocumentError(path, NO_TEXT)
    title = _metadata_title(reader) or first_line(text)
    layout = _layout(path, data)
    return SourceDocument(
        slug(path.stem),
        title,
        detect_lang(text),
        layout or text,
        path,
        digest,
        markdown=bool(layout),
        kind="pdf",
    )


def _layout(path: Path, data: bytes) -> str:
    """The PDF as Markdown, or "" when its layout cannot be read (the plain text serves)."""
    with _quiet("pdfminer"):
        try:
            return clean_text(pdf_markdown(io.BytesIO(data)))
        except Exception as exc:  # pdfminer raises many kinds on a file pypdf could read
            log.warning("%s: layout not read, plain text used (%s)", path.name, type(exc).__name__)
            return ""


@contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """The PDF libraries log every repair they make to a damaged file; the reason we raise
    (or the fallback we take) is enough."""
    quiet = logging.getLogger(logger)
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        yield
    finally:
        quiet.setLevel(level)


def _read(path: Path, data: bytes) -> tuple[PdfReader, list[str]]:
    with _quiet("pypdf"):
        try:
            reader = PdfReader(io.BytesIO(data))
        except DependencyError as exc:
            raise DocumentError(path, ENCRYPTED) from exc
        except Exception as exc:  # pypdf raises many kinds on a damaged file
            raise DocumentError(
                path, f"corrupt PDF: damaged or unsupported format ({exc})"
            ) from exc
        if reader.is_encrypted and _locked(reader):
            raise DocumentError(path, ENCRYPTED)
        try:
            pages = [_page_text(path, page, n) for n, page in enumerate(reader.pages, start=1)]
        except (FileNotDecryptedError, DependencyError) as exc:
            raise DocumentError(path, ENCRYPTED) from exc
        except DocumentError:
            raise
        except Exception as exc:  # a broken page tree
            raise DocumentError(
                path, f"corrupt PDF: damaged or unsupported format ({exc})"
            ) from exc
        return reader, pages


def _page_text(path: Path, page: PageObject, number: int) -> str:
    try:
        return page.extract_text()
    except (FileNotDecryptedError, DependencyError):
        raise
    except Exception as exc:  # a content stream that cannot be decoded
        raise DocumentError(path, f"corrupt PDF: page {number} cannot be read ({exc})") from exc


def _locked(reader: PdfReader) -> bool:
    """True when the PDF needs a user password (an empty one does not open it)."""
    try:
        return reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except DependencyError:  # AES without the optional cryptography package
        return True


def clean_text(text: str) -> str:
    """Words hyphenated across lines joined, control characters and extra spaces removed."""
    text = _HYPHENATED.sub(r"\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _metadata_title(reader: PdfReader) -> str:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except Exception:  # a damaged /Info dictionary is not worth refusing the file over
        return ""
    if not title:
        return ""
    title = _WORD_PREFIX.sub("", " ".join(str(title).split()))
    return title[:MAX_TITLE_CHARS]
