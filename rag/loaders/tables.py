"""Markdown pipe tables: written by the HTML and DOCX loaders, kept whole by the chunker."""

from __future__ import annotations

import re
from collections.abc import Sequence

_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def escape_cell(text: str) -> str:
    """One table cell on one line: ``|`` escaped, line breaks and runs of spaces as one space."""
    return " ".join(text.split()).replace("|", "\\|")


def pipe_table(rows: Sequence[Sequence[str]]) -> str:
    """A pipe table whose first row is the header; short rows are padded with empty cells."""
    width = max(len(row) for row in rows)
    lines = []
    for number, row in enumerate(rows):
        cells = [escape_cell(cell) for cell in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if number == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


def is_table_start(line: str, next_line: str) -> bool:
    """A header row (starts with ``|``) followed by a ``|---|---|`` separator row."""
    return line.lstrip().startswith("|") and bool(_SEPARATOR.match(next_line.strip()))


def is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|")
