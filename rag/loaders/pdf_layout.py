"""A PDF's layout as Markdown: headings by type size, paragraphs joined, ruled tables as pipe
tables.

pypdf gives a PDF's text as the lines it draws: a table's header and its rows come apart (a rate
row «12 месяцев 13,6% 13,9% 14,2%» loses the amounts its columns stand for), a section heading
is a line like any other, and a sentence wrapped over two lines reads as two. Here pdfminer's
layout (through pdfplumber) gives each character's size and font, and ruled tables their cells:

* a line set larger than the body text is a heading: the largest size ``#``, the next ``##``,
  any other larger size ``###``; a short line wholly in bold at body size is a ``###`` too;
* consecutive body lines are joined into one paragraph until a gap, a heading, a list bullet or
  a line ending with a colon;
* a table drawn with rules becomes a pipe table, its first row the header; a table continued
  at the top of the next page with as many columns joins the one before;
* a line that repeats on two pages or more in the top or bottom margin (a running header, a
  page number) is dropped.

The chunker then splits on the headings and keeps every table whole, as for DOCX and HTML.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import Any

import pdfplumber

from rag.loaders.tables import pipe_table

_MARGIN = 0.08  # the share of a page's height at the top and bottom where running headers sit
_HEADING_RATIO = 1.15  # a line this much larger than the body text is a heading
_BOLD_HEADING_CHARS = 100
_BULLET = re.compile(r"^\s*(?:[•●▪◦·\-–—*]|\d{1,2}[.)])\s+")
_BULLET_MARK = re.compile(r"^\s*[•●▪◦·\-–—*]\s+")
_DIGITS = re.compile(r"\d+")
_HYPHENATED = re.compile(r"(\w)[-\u00ad]\n(?=[a-zа-яё])")
_SENTENCE_ENDS = (".", ";", "!", "?", "…")
_MARKDOWN_START = re.compile(r"^(#|\||>|-{3,}|={3,})")


@dataclass(frozen=True, slots=True)
class _Line:
    page: int
    top: float
    bottom: float
    left: float
    text: str
    size: float
    bold: bool
    margin: bool  # in the top or bottom margin of its page


@dataclass(frozen=True, slots=True)
class _Table:
    page: int
    top: float
    rows: list[list[str]]


def pdf_markdown(data: Any) -> str:
    """The Markdown of a PDF (a path or a binary file object); raises what pdfplumber raises."""
    lines: list[_Line] = []
    tables: list[_Table] = []
    with pdfplumber.open(data) as pdf:
        for number, page in enumerate(pdf.pages):
            found = page.find_tables()
            boxes = [table.bbox for table in found]
            for table in found:
                rows = [[cell or "" for cell in row] for row in table.extract()]
                rows = [row for row in rows if any(cell.strip() for cell in row)]
                if rows:
                    tables.append(_Table(number, table.bbox[1], rows))
            outside = page.filter(partial(_outside, boxes=boxes))
            height = float(page.height) or 1.0
            for line in outside.extract_text_lines(return_chars=True, strip=True):
                chars = [c for c in line["chars"] if c.get("text", "").strip()]
                if not chars or not line["text"].strip():
                    continue
                top, bottom = float(line["top"]), float(line["bottom"])
                lines.append(
                    _Line(
                        number,
                        top,
                        bottom,
                        float(line["x0"]),
                        line["text"],
                        round(statistics.median(float(c["size"]) for c in chars), 1),
                        all("bold" in str(c.get("fontname", "")).lower() for c in chars),
                        top < height * _MARGIN or bottom > height * (1 - _MARGIN),
                    )
                )
    return _render(_drop_running(lines), tables)


def _outside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    """The object's centre is in none of the tables (their text is read by cells)."""
    x = (float(obj.get("x0", 0)) + float(obj.get("x1", 0))) / 2
    y = (float(obj.get("top", 0)) + float(obj.get("bottom", 0))) / 2
    return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _drop_running(lines: list[_Line]) -> list[_Line]:
    """Lines in the margin that repeat on several pages (page numbers count as one text)."""
    pages: dict[str, set[int]] = {}
    for line in lines:
        if line.margin:
            pages.setdefault(_DIGITS.sub("#", line.text.strip()), set()).add(line.page)
    running = {text for text, seen in pages.items() if len(seen) >= 2}
    return [
        line
        for line in lines
        if not (line.margin and _DIGITS.sub("#", line.text.strip()) in running)
    ]


def _levels(lines: list[_Line]) -> tuple[float, dict[float, int]]:
    """The body text's size (the one most characters are set in) and a heading level for each
    larger size."""
    weight: Counter[float] = Counter()
    for line in lines:
        weight[line.size] += len(line.text)
    if not weight:
        return 0.0, {}
    body = weight.most_common(1)[0][0]
    larger = sorted((s for s in weight if s >= body * _HEADING_RATIO), reverse=True)
    return body, {size: min(rank + 1, 3) for rank, size in enumerate(larger)}


def _render(lines: list[_Line], tables: list[_Table]) -> str:
    body, levels = _levels(lines)
    flow: list[tuple[int, float, int, object]] = [(t.page, t.top, 0, t) for t in tables]
    flow += [(line.page, line.top, 1, line) for line in lines]
    flow.sort(key=lambda entry: (entry[0], entry[1], entry[2]))
    blocks: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []  # consecutive list items make one block
    previous: _Line | None = None
    item_left: float | None = None  # where the current list item's bullet stands
    pending: _Table | None = None

    def flush_paragraph() -> None:
        nonlocal item_left
        if paragraph and item_left is not None:
            bullets.append(_join(paragraph))
        elif paragraph:
            flush_items()
            blocks.append(_join(paragraph))
        paragraph.clear()
        item_left = None

    def flush_items() -> None:
        if bullets:
            blocks.append("\n".join(bullets))
            bullets.clear()

    def flush_table() -> None:
        nonlocal pending
        if pending is None:
            return
        if len(pending.rows) < 2 or max(len(row) for row in pending.rows) < 2:
            # A framed note (one cell, or one column) is text, not a table without rows.
            cells = (" ".join(cell.split()) for row in pending.rows for cell in row)
            blocks.extend(cell for cell in cells if cell)
        else:
            blocks.append(pipe_table(pending.rows))
        pending = None

    for _, _, _, item in flow:
        if isinstance(item, _Table):
            flush_paragraph()
            flush_items()
            if pending is not None and _continues(pending, item):
                pending = _Table(pending.page, pending.top, pending.rows + item.rows)
            else:
                flush_table()
                pending = item
            previous = None
            continue
        assert isinstance(item, _Line)
        flush_table()
        text = item.text.strip()
        level = levels.get(item.size, 0)
        if not level and item.bold and item.size >= body and _heading_like(text):
            level = 3
        if level:
            flush_paragraph()
            flush_items()
            blocks.append(f"{'#' * level} {text}")
            previous = None
            continue
        if _BULLET.match(text):
            flush_paragraph()
            text = _BULLET_MARK.sub("- ", text)
            item_left = item.left
        elif (
            previous is None
            or not _same_paragraph(previous, item)
            or (item_left is not None and not _item_goes_on(previous, item, item_left))
        ):
            flush_paragraph()
        if not paragraph and _MARKDOWN_START.match(text):
            text = "\\" + text
        paragraph.append(text)
        previous = item
        if text.endswith(":"):
            flush_paragraph()
            previous = None
    flush_paragraph()
    flush_items()
    flush_table()
    return "\n\n".join(block for block in blocks if block.strip())


def _join(lines: list[str]) -> str:
    """Lines of one paragraph as one line; a word hyphenated across two lines made whole."""
    return _HYPHENATED.sub(r"\1", "\n".join(lines)).replace("\n", " ")


def _item_goes_on(previous: _Line, line: _Line, bullet_left: float) -> bool:
    """A list item goes on over lines indented past its bullet, or at the bullet's margin
    while its sentence is not over; a finished sentence back at the margin is a paragraph."""
    return line.left > bullet_left + 1 or not previous.text.rstrip().endswith(_SENTENCE_ENDS)


def _heading_like(text: str) -> bool:
    return len(text) <= _BOLD_HEADING_CHARS and not text.endswith((".", ",", ";", ":"))


def _same_paragraph(previous: _Line, line: _Line) -> bool:
    """The next line of the same paragraph: same page and size, no more than a line's gap."""
    gap = line.top - previous.bottom
    return (
        previous.page == line.page
        and previous.size == line.size
        and previous.bold == line.bold
        and 0 <= gap <= line.size * 0.9
    )


def _continues(before: _Table, table: _Table) -> bool:
    """A table on the next page, as wide as the one before, with no text between them (a
    line between would have closed the one before), not repeating its header."""
    width = max(len(row) for row in before.rows)
    return (
        table.page == before.page + 1
        and max(len(row) for row in table.rows) == width
        and table.rows[0] != before.rows[0]
    )
