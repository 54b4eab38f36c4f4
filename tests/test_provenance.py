"""Provenance: a bot answer stores which documents, in which version, it drew on, and
`perimeter kb why MESSAGE_ID` shows them against what is indexed now."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.dialogue.models import Channel, Role, Route, SourceRef
from bot.knowledge import _source
from bot.storage import SqlConversationStore, create_engine, upgrade_database
from rag.documents import load_document
from rag.store import ScoredChunk
from tests.conftest import KB_DIR


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


def test_kb_why_shows_versions_against_the_index(tmp_path: Path, clean_env: None) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("cards-debit-fees.md", "transfers-sbp.md"):
        (docs / name).write_bytes((KB_DIR / name).read_bytes())
    env = {"PERIMETER_DATA_DIR": str(data)}
    runner = CliRunner()
    indexed = runner.invoke(app, ["kb", "ingest", str(docs)], env=env)
    assert indexed.exit_code == 0, indexed.output
    fees = load_document(docs / "cards-debit-fees.md").content_hash[:12]

    async def answer_with_sources() -> tuple[str, str]:
        url = f"sqlite+aiosqlite:///{(data / 'perimeter.db').resolve()}"
        await upgrade_database(url)
        database = create_engine(url)
        store = SqlConversationStore(database)
        conversation = await store.create_conversation(Channel.WEBCHAT)
        asked = await store.add_message(conversation.id, Role.CUSTOMER, "сколько стоит карта")
        sources = [
            SourceRef("cards-debit-fees", "Обслуживание дебетовых карт", "Стоимость", fees),
            SourceRef("transfers-sbp", "Переводы по СБП", None, "000000000000"),
            SourceRef("old-tariffs", "Тарифы 2024", None, "abcdefabcdef"),
        ]
        answer = await store.add_message(
            conversation.id, Role.BOT, "99 ₽ в месяц", route=Route.ANSWER, sources=sources
        )
        stored = await store.get_message(answer.id)
        assert stored is not None and stored.sources == tuple(sources)
        await database.dispose()
        return asked.id, answer.id

    asked, answer = asyncio.run(answer_with_sources())
    why = runner.invoke(app, ["kb", "why", answer], env=env)
    assert why.exit_code == 0, why.output
    lines = why.output.splitlines()
    assert any(
        "cards-debit-fees" in line and f"version {fees}" in line and "[current]" in line
        for line in lines
    ), why.output
    assert any("transfers-sbp" in line and "changed since" in line for line in lines)
    assert any(
        "old-tariffs" in line and "no longer in the knowledge base" in line for line in lines
    )
    not_bot = runner.invoke(app, ["kb", "why", asked], env=env)
    assert not_bot.exit_code == 1 and "not a bot answer" in not_bot.output
    missing = runner.invoke(app, ["kb", "why", "999999"], env=env)
    assert missing.exit_code == 1 and "no message" in missing.output
