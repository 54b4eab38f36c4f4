"""Chunking by headings: each chunk is one section (split further when long).

Tables stay readable: a section longer than a chunk that holds a pipe table is split so
that no table row is cut, and every piece of a long table starts with the table's header
row and separator. A row longer than a chunk is kept whole (so that chunk is longer).
Sections that fit in a chunk, and sections without tables, are split exactly as before.

FAQ documents give one chunk per entry, however long: the section is the canonical
question, the text every phrasing then the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from rag.documents import FaqEntry, SourceDocument
from rag.loaders.faq import entry_text
from rag.loaders.tables import is_table_row, is_table_start

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
_FENCES = ("```", "~~~")
_H1_SECTIONS = frozenset({"html", "docx"})  # converted formats whose h1 may open a section


@dataclass(frozen=True, slots=True)
class Chunk:
    doc_id: str
    index: int
    title: str
    section: str | None
    text: str
    lang: str
    faq_id: str | None = None  # set on the chunk of one FAQ entry
    answer: str | None = None  # that entry's answer alone
    questions: tuple[str, ...] = ()  # that entry's phrasings, the canonical one first
    url: str | None = None  # the document's public address, when it has one

    @property
    def embedding_text(self) -> str:
        """What is embedded: the document and section names give a short chunk its topic.

        An FAQ entry is embedded as its phrasings and its answer, so that any of the ways a
        customer asks lands on it.
        """
        if self.faq_id is not None:
            return "\n".join([*self.questions, self.answer or ""])
        heading = self.title if not self.section else f"{self.title}. {self.section}"
        return f"{heading}\n{self.text}"


class Chunker:
    def __init__(self, max_chars: int = 1000, overlap: int = 120) -> None:
        self._max_chars = max_chars
        self._headings = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True)
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=max_chars,
            chunk_overlap=overlap,
            separators=["\n\n", "\n", ". ", " ", ""],
        )

    def split(self, document: SourceDocument) -> list[Chunk]:
        if document.faq:
            return [_faq_chunk(document, index, entry) for index, entry in enumerate(document.faq)]
        sections: list[tuple[str | None, str]]
        if document.markdown:
            sections = []
            h1_sections = document.kind in _H1_SECTIONS
            title_heading = _leading_h1(document.text)
            for part in self._headings.split_text(document.text):
                meta = part.metadata
                section = meta.get("h3") or meta.get("h2")
                if not section and h1_sections and meta.get("h1") != title_heading:
                    section = meta.get("h1")
                sections.append((str(section) if section else None, part.page_content))
        else:
            sections = [(None, document.text)]
        chunks: list[Chunk] = []
        for section, text in sections:
            for piece in self._pieces(text):
                if piece.strip():
                    chunks.append(
                        Chunk(
                            document.doc_id,
                            len(chunks),
                            document.title,
                            section,
                            piece.strip(),
                            document.lang,
                            url=document.url,
                        )
                    )
        return chunks

    def _pieces(self, text: str) -> list[str]:
        if len(text) <= self._max_chars:
            return self._splitter.split_text(text)
        runs = _runs(text)
        if not any(is_table for is_table, _ in runs):
            return self._splitter.split_text(text)
        # (run number, piece): pieces of different runs may share a chunk when they fit
        units: list[tuple[int, str]] = []
        for number, (is_table, body) in enumerate(runs):
            parts = (
                _table_pieces(body, self._max_chars)
                if is_table
                else self._splitter.split_text(body)
            )
            units.extend((number, part.strip()) for part in parts if part.strip())
        pieces: list[str] = []
        last_run = -1
        for number, part in units:
            joined = len(pieces[-1]) + 2 + len(part) if pieces else 0
            if pieces and number != last_run and joined <= self._max_chars:
                pieces[-1] = f"{pieces[-1]}\n\n{part}"
            else:
                pieces.append(part)
            last_run = number
        return pieces


def _leading_h1(text: str) -> str | None:
    """The text of a ``#`` heading on the first line: the document's own name, not a section.

    Converted pages and Word files may use ``#`` (``<h1>``, "Heading 1") for sections too,
    so there any other ``#`` heading names a section; in Markdown files no ``#`` heading
    does, as before.
    """
    first = text.lstrip().split("\n", 1)[0]
    return first[2:].strip() if first.startswith("# ") else None


def _faq_chunk(document: SourceDocument, index: int, entry: FaqEntry) -> Chunk:
    return Chunk(
        document.doc_id,
        index,
        document.title,
        entry.questions[0],
        entry_text(entry, document.lang),
        document.lang,
        faq_id=entry.id,
        answer=entry.answer,
        questions=entry.questions,
        url=document.url,
    )


def _runs(text: str) -> list[tuple[bool, str]]:
    """The text cut into alternating runs of prose and pipe tables: (is a table, lines)."""
    lines = text.split("\n")
    runs: list[tuple[bool, list[str]]] = []
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
        elif stripped.startswith(_FENCES):
            fence = stripped[:3]
        elif index + 1 < len(lines) and is_table_start(line, lines[index + 1]):
            end = index + 2
            while end < len(lines) and is_table_row(lines[end]):
                end += 1
            runs.append((True, lines[index:end]))
            index = end
            continue
        if runs and not runs[-1][0]:
            runs[-1][1].append(line)
        else:
            runs.append((False, [line]))
        index += 1
    return [(is_table, "\n".join(body)) for is_table, body in runs]


def _table_pieces(table: str, max_chars: int) -> list[str]:
    """Groups of whole rows, each under the table's header row and separator."""
    lines = [line.rstrip() for line in table.split("\n")]
    head = "\n".join(lines[:2])
    pieces: list[str] = []
    rows: list[str] = []
    size = len(head)
    for row in lines[2:]:
        if rows and size + 1 + len(row) > max_chars:
            pieces.append("\n".join([head, *rows]))
            rows, size = [], len(head)
        rows.append(row)
        size += 1 + len(row)
    pieces.append("\n".join([head, *rows]))
    return pieces
