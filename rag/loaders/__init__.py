"""Format-specific readers of knowledge-base files; ``rag.documents`` picks one by file name.

Every loader takes ``(path, data, digest)`` — the file's bytes, already size-checked, and
their hash — and returns a ``SourceDocument`` or raises ``DocumentError`` with a reason a
content editor can act on. Structured formats (HTML, DOCX) become Markdown text so the
heading-based chunker keeps their sections and tables.
"""
