"""Chunking by headings: each chunk is one section (split further when long)."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from rag.documents import SourceDocument

_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


@dataclass(frozen=True, slots=True)
class Chunk:
    doc_id: str
    index: int
    title: str
    section: str | None
    text: str
    lang: str

    @property
    def embedding_text(self) -> str:
        """What is embedded: the document and section names give a short chunk its topic."""
        heading = self.title if not self.section else f"{self.title}. {self.section}"
        return f"{heading}\n{self.text}"


class Chunker:
    def __init__(self, max_chars: int = 1000, overlap: int = 120) -> None:
        self._headings = MarkdownHeaderTextSplitter(_HEADERS, strip_headers=True)
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=max_chars,
            chunk_overlap=overlap,
            separators=["\n\n", "\n", ". ", " ", ""],
        )

    def split(self, document: SourceDocument) -> list[Chunk]:
        sections: list[tuple[str | None, str]]
        if document.markdown:
            sections = []
            for part in self._headings.split_text(document.text):
                meta = part.metadata
                section = meta.get("h3") or meta.get("h2")
                sections.append((str(section) if section else None, part.page_content))
        else:
            sections = [(None, document.text)]
        chunks: list[Chunk] = []
        for section, text in sections:
            for piece in self._splitter.split_text(text):
                if piece.strip():
                    chunks.append(
                        Chunk(
                            document.doc_id,
                            len(chunks),
                            document.title,
                            section,
                            piece.strip(),
                            document.lang,
                        )
                    )
        return chunks
