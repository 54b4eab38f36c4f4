"""A document's public address (``url`` in its front matter) follows its chunks into the
answers that cite it: the web chat links the source, Telegram too, and stored transcripts
keep it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.channels.telegram.render import reply_html
from bot.channels.webchat.schemas import MessagePublic
from bot.dialogue.models import Reply, Role, Route, SourceRef, StoredMessage
from bot.knowledge.rag import _source
from bot.storage.mapping import _sources, source_dicts
from rag.chunking import Chunker
from rag.documents import load_document
from rag.errors import DocumentError
from rag.store import _chunk_metadata, _chunk_of

URL = "https://bank.example/cards/fees?tab=debit"


def markdown(folder: Path, url: str | None) -> Path:
    line = f"url: {url}\n" if url is not None else ""
    path = folder / "fees.md"
    path.write_text(
        f"---\nid: fees\ntitle: Тарифы\nlang: ru\ntags: []\n{line}---\n# Тарифы\n\n"
        "## Карта\n\nОбслуживание стоит 99 ₽ в месяц.\n",
        encoding="utf-8",
    )
    return path


def test_a_markdown_documents_address_reaches_the_cited_source(tmp_path: Path) -> None:
    document = load_document(markdown(tmp_path, URL))
    assert document.url == URL
    chunk = Chunker().split(document)[0]
    assert chunk.url == URL
    meta = {**_chunk_metadata(chunk), "doc_id": "fees"}  # as the store writes it
    stored = _chunk_of({"page_content": chunk.text, "metadata": meta}, 0.9)
    source = _source(stored)
    assert (source.doc_id, source.title, source.url) == ("fees", "Тарифы", URL)


def test_a_document_without_an_address_cites_no_link(tmp_path: Path) -> None:
    chunk = Chunker().split(load_document(markdown(tmp_path, None)))[0]
    assert chunk.url is None
    assert "url" not in _chunk_metadata(chunk)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://bank.example/x", "https://bank.example/a b", "[1, 2]"]
)
def test_only_a_web_address_is_taken(tmp_path: Path, url: str) -> None:
    with pytest.raises(DocumentError, match="url must be an http"):
        load_document(markdown(tmp_path, url))


def test_an_faq_files_address_reaches_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "popular.faq.yaml"
    path.write_text(
        f"id: popular\ntitle: Частые вопросы\nlang: ru\nurl: {URL}\nentries:\n"
        '  - id: fee\n    questions: ["Сколько стоит карта"]\n    answer: 99 ₽ в месяц.\n',
        encoding="utf-8",
    )
    chunks = Chunker().split(load_document(path))
    assert [c.url for c in chunks] == [URL]


def test_stored_sources_keep_the_address() -> None:
    sources = (SourceRef("fees", "Тарифы", "Карта", "3", URL), SourceRef("faq", "Вопросы"))
    assert _sources(source_dicts(sources)) == sources
    message = StoredMessage(
        "1", "c", Role.BOT, "99 ₽", datetime.now(UTC), Route.ANSWER, sources, feedback=True
    )
    public = MessagePublic.of(message)
    assert [s.url for s in public.sources] == [URL, None]
    assert public.feedback is True


def test_telegram_links_the_source_and_escapes_it() -> None:
    tricky = 'https://bank.example/a?x=1&y="2"'
    reply = Reply("99 ₽", Route.ANSWER, sources=(SourceRef("f", "Тарифы <карт>", url=tricky),))
    html = reply_html(reply, "Источники:")
    assert (
        '<a href="https://bank.example/a?x=1&amp;y=&quot;2&quot;">Тарифы &lt;карт&gt;</a>' in html
    )
