"""Provenance: a cited chunk becomes a source with its document's version (``perimeter kb
why`` is tested end to end in ``tests/e2e/test_kb_cli.py``)."""

from __future__ import annotations

from bot.knowledge.rag import _source
from rag.store import ScoredChunk


def test_a_cited_chunk_becomes_a_source_with_its_document_version() -> None:
    chunk = ScoredChunk(
        "cards-debit-fees",
        "Обслуживание дебетовых карт",
        "Стоимость",
        "…",
        "ru",
        0.8,
        {"content_hash": "0123456789abcdef0123", "doc_id": "cards-debit-fees"},
    )
    assert _source(chunk).version == "0123456789ab"
    assert _source(ScoredChunk("x", "X", None, "…", "ru", 0.5)).version is None
