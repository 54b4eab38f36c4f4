"""Documents, chunking and ingestion into real Qdrant local mode with real embeddings."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.chunking import Chunker
from rag.documents import load_document
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.errors import DocumentError, StoreLocked
from rag.ingest import Ingestor
from rag.store import KnowledgeStore, open_client
from tests.conftest import KB_DIR

DOC = """---
id: cards-debit-fees
title: Обслуживание дебетовых карт
lang: ru
tags: [cards, fees]
---
# Обслуживание дебетовых карт

Вводный абзац.

## Стоимость
Карта «Классика» стоит 99 ₽ в месяц.

## Бесплатно
Для пенсионеров обслуживание карты «Классика» бесплатное.
"""


@pytest.fixture
def store(
    tmp_path: Path, use_embeddings: UniversalSentenceEncoderEmbeddings
) -> Iterator[KnowledgeStore]:
    knowledge = KnowledgeStore(
        open_client(url=None, path=tmp_path / "qdrant"), "kb", use_embeddings
    )
    yield knowledge
    knowledge.close()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_front_matter_is_read(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "fees.md", DOC))
    assert (document.doc_id, document.lang, document.tags) == (
        "cards-debit-fees",
        "ru",
        ("cards", "fees"),
    )
    assert document.text.startswith("# Обслуживание")


def test_plain_text_file(tmp_path: Path) -> None:
    document = load_document(write(tmp_path, "Branch Hours.txt", "Часы работы\nПн–Пт 9–20."))
    assert document.doc_id == "branch-hours"
    assert document.title == "Часы работы"
    assert not document.markdown


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("broken.md", "---\nid: [unclosed\ntitle: x\n---\nbody", "broken front matter"),
        ("nofm.md", "# Just a heading\n", "missing YAML front matter"),
        ("missing.md", "---\nid: a\ntitle: A\n---\nbody", "lacks lang, tags"),
        ("badlang.md", "---\nid: a\ntitle: A\nlang: de\ntags: []\n---\nbody", "lang must be"),
        ("empty.md", "---\nid: a\ntitle: A\nlang: ru\ntags: []\n---\n\n", "empty document"),
        ("doc.pdf", "%PDF-1.4", "unsupported format"),
    ],
)
def test_bad_documents_name_the_problem(tmp_path: Path, name: str, text: str, reason: str) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document(write(tmp_path, name, text))
    assert reason in str(caught.value)
    assert name in str(caught.value)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    with pytest.raises(DocumentError, match="not UTF-8"):
        load_document(path)


def test_chunks_follow_headings(tmp_path: Path) -> None:
    chunks = Chunker().split(load_document(write(tmp_path, "fees.md", DOC)))
    sections = [c.section for c in chunks]
    assert sections == [None, "Стоимость", "Бесплатно"]
    assert "99 ₽" in chunks[1].text
    assert chunks[1].embedding_text.startswith("Обслуживание дебетовых карт. Стоимость")


def test_long_section_is_split_with_the_same_section(tmp_path: Path) -> None:
    long_doc = DOC.replace("Карта «Классика» стоит 99 ₽ в месяц.", "Предложение о карте. " * 200)
    chunks = Chunker(max_chars=500).split(load_document(write(tmp_path, "f.md", long_doc)))
    long_parts = [c for c in chunks if c.section == "Стоимость"]
    assert len(long_parts) > 3
    assert all(len(c.text) <= 500 for c in chunks)


def test_ingest_is_idempotent_and_tracks_changes(tmp_path: Path, store: KnowledgeStore) -> None:
    kb = tmp_path / "kb"
    write(kb, "fees.md", DOC)
    write(kb, "hours.txt", "Часы работы отделений\nПн–Пт с 9 до 20, Сб с 10 до 17.")
    ingestor = Ingestor(store)

    first = ingestor.ingest_dir(kb)
    assert sorted(first.added) == ["cards-debit-fees", "hours"]
    total = store.count()

    second = ingestor.ingest_dir(kb)
    assert (second.added, second.updated, sorted(second.skipped)) == (
        [],
        [],
        ["cards-debit-fees", "hours"],
    )
    assert store.count() == total

    write(kb, "fees.md", DOC.replace("99 ₽", "149 ₽"))
    third = ingestor.ingest_dir(kb)
    assert third.updated == ["cards-debit-fees"]
    assert store.count() == total
    assert "149 ₽" in store.search("Сколько стоит карта Классика?", 1)[0].text

    (kb / "hours.txt").unlink()
    kept = ingestor.ingest_dir(kb)  # without --prune nothing is deleted
    assert kept.deleted == []
    pruned = ingestor.ingest_dir(kb, prune=True)
    assert pruned.deleted == ["hours"]
    assert set(store.indexed_documents()) == {"cards-debit-fees"}


def test_broken_file_is_reported_and_the_rest_ingested(
    tmp_path: Path, store: KnowledgeStore
) -> None:
    kb = tmp_path / "kb"
    write(kb, "fees.md", DOC)
    write(kb, "broken.md", "---\nid: [oops\n---\ntext")
    write(kb, "dup.md", DOC.replace("title: Обслуживание", "title: Копия"))
    report = Ingestor(store).ingest_dir(kb, prune=True)
    assert report.added == ["cards-debit-fees"]
    failed = dict(report.failed)
    assert "broken front matter" in failed["broken.md"]
    assert "already used by" in failed["fees.md" if "fees.md" in failed else "dup.md"]


def test_sample_knowledge_base_ingests_cleanly(store: KnowledgeStore) -> None:
    report = Ingestor(store).ingest_dir(KB_DIR)
    assert report.failed == []
    assert len(report.added) >= 14
    assert sum(1 for d in store.indexed_documents().values() if d.source.endswith("-en.md")) >= 2
    top = store.search("Сколько стоит обслуживание дебетовой карты?", 3)
    assert top[0].doc_id in ("cards-debit-fees", "faq-popular")  # the FAQ entry says the same
    assert "cards-debit-fees" in [hit.doc_id for hit in top]
    english = store.search("How much does a SWIFT transfer cost?", 3)
    assert english[0].doc_id == "intl-transfers-swift-en"


def test_locked_storage_folder_gives_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "qdrant"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from qdrant_client import QdrantClient
            client = QdrantClient(path={str(folder)!r})
            print("ready", flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked) as caught:
            open_client(url=None, path=folder)
        assert "in use by another Perimeter process" in str(caught.value)
    finally:
        holder.kill()
        holder.communicate()
