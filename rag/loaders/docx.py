"""Word documents (.docx) as Markdown: headings, paragraphs, lists and pipe tables.

Paragraph styles "Title" and "Heading 1" to "Heading 3" become ``#`` to ``###`` (deeper
headings stay paragraphs); list paragraphs (bullet or numbered) become ``- item``; tables
become pipe tables whose first row is the header. Page headers, footers, footnotes and text
boxes are not read. The title is the core property "title", else the first Title or Heading
paragraph, else the first line; the language is guessed from the script; the id is a slug
of the file name. The old binary .doc format and password-protected files are refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.table import Table

from rag.errors import DocumentError
from rag.loaders.base import MAX_TITLE_CHARS, SourceDocument, detect_lang, first_line, slug
from rag.loaders.tables import pipe_table

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and any password-protected Office file
_HEADING = re.compile(r"^(?:heading|заголовок)\s*([1-9])$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list (?:bullet|number)(?:\s*([2-9]))?$", re.IGNORECASE)


def load_docx(path: Path, data: bytes, digest: str) -> SourceDocument:
    if not data.strip():
        raise DocumentError(path, "empty document")
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(
            path,
            "not a DOCX: an old .doc or a password-protected Word file "
            "(save it as .docx without a password)",
        )
    _check_archive(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks, heading_title = _convert(document)
        core_title = str(document.core_properties.title or "")
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        raise DocumentError(path, f"corrupt DOCX: {exc}") from exc
    text = "\n\n".join(blocks)
    if not text:
        raise DocumentError(path, "empty document")
    title = " ".join(core_title.split()) or heading_title or first_line(text)
    return SourceDocument(
        slug(path.stem),
        title[:MAX_TITLE_CHARS],
        detect_lang(text),
        text,
        path,
        digest,
        markdown=True,
        kind="docx",
    )


def _check_archive(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(path, "corrupt DOCX: not a zip archive") from exc
    if unzipped > MAX_UNZIPPED_BYTES:
        raise DocumentError(
            path, f"corrupt DOCX: unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MB"
        )


def _convert(document: Any) -> tuple[list[str], str]:
    """Markdown blocks in document order, and the text of the first Title/Heading."""
    blocks: list[str] = []
    heading_title = ""
    items: list[str] = []  # consecutive list items make one block
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rendered = _table(block)
            line, level, item = "", 0, False
        else:
            rendered = ""
            line, level, item = _paragraph(block)
        if item and line:
            items.append(line)
            continue
        if items:
            blocks.append("\n".join(items))
            items = []
        if rendered:
            blocks.append(rendered)
        elif line:
            blocks.append(line)
            if level and not heading_title:
                heading_title = line.lstrip("#").strip()
    if items:
        blocks.append("\n".join(items))
    return blocks, heading_title


def _paragraph(paragraph: Any) -> tuple[str, int, bool]:
    """(Markdown line, heading level or 0, is a list item)."""
    style = paragraph.style
    name = str(style.name) if style is not None and style.name else ""
    raw = str(paragraph.text).replace("\t", " ")
    heading = 1 if name.lower() == "title" else _heading_level(name)
    if heading:
        text = " ".join(raw.split())
        if not text:
            return "", 0, False
        return (f"{'#' * heading} {text}" if heading <= 3 else text), heading, False
    text = "\n".join(" ".join(line.split()) for line in raw.splitlines() if line.strip())
    level = _list_level(paragraph, name)
    if level is not None and text:
        return f"{'  ' * level}- {' '.join(text.split())}", 0, True
    return text, 0, False


def _heading_level(style_name: str) -> int:
    match = _HEADING.match(style_name.strip())
    return int(match.group(1)) if match else 0


def _list_level(paragraph: Any, style_name: str) -> int | None:
    """The nesting level of a list item (0 is the outermost), or None for other paragraphs."""
    properties = paragraph._p.pPr
    numbering = properties.numPr if properties is not None else None
    if numbering is not None and _numbered(numbering):
        level = numbering.ilvl
        return int(level.val) if level is not None and level.val is not None else 0
    match = _LIST_STYLE.match(style_name.strip())
    if match:
        return int(match.group(1)) - 1 if match.group(1) else 0
    return None


def _numbered(numbering: Any) -> bool:
    """Numbering id 0 is Word's way to switch numbering off for one paragraph."""
    number_id = numbering.numId
    return number_id is None or number_id.val is None or int(number_id.val) != 0


def _table(table: Any) -> str:
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A cell merged across columns is returned once per column it spans.
            cells.append("" if cell._tc is previous else str(cell.text))
            previous = cell._tc
        if any(cell.strip() for cell in cells):
            rows.append(cells)
    return pipe_table(rows) if rows else ""
