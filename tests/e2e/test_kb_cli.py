"""The knowledge base from the terminal (``perimeter kb …``): the content workflow (the same
service as /admin), provenance (``kb why``) and gaps (``kb gaps``), over a real SQLite database
and Qdrant local mode with real embeddings."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.dialogue.models import Channel, HandoffReason, HandoffRequest, Role, Route, SourceRef
from bot.storage import SqlConversationStore, create_engine, upgrade_database
from rag.documents import load_document
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client
from tests.conftest import KB_DIR
from tests.unit.test_gaps import SAFE_DEPOSIT
from tests.unit.test_knowledge_ingest import DOC as FEES_DOC
from tests.unit.test_knowledge_ingest import write

DOC = """---
id: safe-deposit
title: Банковские ячейки
lang: ru
tags: [ячейки]
---
# Банковские ячейки

## Стоимость аренды
Аренда банковской ячейки стоит {price} в месяц.
"""


def test_upload_publish_rollback_history(tmp_path: Path, clean_env: None) -> None:
    runner = CliRunner()
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    first = tmp_path / "safe-deposit.md"
    first.write_text(DOC.format(price="1 500 ₽"), encoding="utf-8")

    uploaded = runner.invoke(app, ["kb", "upload", str(first), "--as", "olga"], env=env)
    assert uploaded.exit_code == 0, uploaded.output
    assert "safe-deposit: draft v1" in uploaded.output
    published = runner.invoke(app, ["kb", "publish", "safe-deposit", "--as", "olga"], env=env)
    assert published.exit_code == 0, published.output
    first.write_text(DOC.format(price="1 900 ₽"), encoding="utf-8")
    assert runner.invoke(app, ["kb", "upload", str(first)], env=env).exit_code == 0
    assert runner.invoke(app, ["kb", "publish", "safe-deposit"], env=env).exit_code == 0
    missing = runner.invoke(app, ["kb", "rollback", "safe-deposit", "9"], env=env)
    assert missing.exit_code == 1 and "no version 9" in missing.output
    back = runner.invoke(app, ["kb", "rollback", "safe-deposit", "1", "--as", "olga"], env=env)
    assert back.exit_code == 0 and "back to v1" in back.output

    listed = runner.invoke(app, ["kb", "docs"], env=env)
    assert "safe-deposit" in listed.output and "v1" in listed.output
    history = runner.invoke(app, ["kb", "history"], env=env).output.splitlines()
    assert [line.split()[3] for line in history[:5]] == [
        "rollback",
        "publish",
        "upload",
        "publish",
        "upload",
    ]
    assert "olga" in history[0]

    embeddings = UniversalSentenceEncoderEmbeddings()
    client = open_client(url=None, path=tmp_path / "data" / "qdrant")
    store = KnowledgeStore(client, "kb", embeddings, LexicalSparseEmbeddings())
    store.ensure_collection()
    hit = store.search("сколько стоит аренда ячейки", 1)[0]
    assert hit.doc_id == "safe-deposit" and "1 500 ₽" in hit.text, "the rollback is served"
    assert hit.metadata is not None and hit.metadata["version"] == 1
    store.close()


def test_bad_files_are_refused_with_the_reason(tmp_path: Path, clean_env: None) -> None:
    runner = CliRunner()
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as sink:
        sink.truncate(50 * 1024 * 1024)
    refused = runner.invoke(app, ["kb", "upload", str(huge)], env=env)
    assert refused.exit_code == 2 and "limit is 20 MB" in refused.output
    empty = tmp_path / "empty.md"
    empty.write_text("")
    assert "empty document" in runner.invoke(app, ["kb", "upload", str(empty)], env=env).output
    assert runner.invoke(app, ["kb", "publish", "nothing"], env=env).exit_code == 1


def test_cli_lists_what_the_bot_could_not_answer_with_personal_data_hidden(
    tmp_path: Path, clean_env: None
) -> None:
    data = tmp_path / "data"

    async def record() -> None:
        url = f"sqlite+aiosqlite:///{(data / 'perimeter.db').resolve()}"
        data.mkdir(parents=True)
        await upgrade_database(url)
        database = create_engine(url)
        store = SqlConversationStore(database)
        asked = [(text, HandoffReason.LOW_CONFIDENCE) for text in SAFE_DEPOSIT] + [
            (
                "а ячейку в банке можно арендовать? мой телефон +7 903 111-22-33",
                HandoffReason.MODEL_ABSTAINED,
            ),
            ("позовите оператора", HandoffReason.CUSTOMER_REQUEST),  # not a knowledge gap
        ]
        for text, reason in asked:
            conversation = await store.create_conversation(Channel.WEBCHAT)
            trigger = await store.add_message(conversation.id, Role.CUSTOMER, text)
            await store.add_handoff(
                HandoffRequest(conversation.id, reason, f"- {text}", trigger.id)
            )
        await database.dispose()

    asyncio.run(record())
    result = CliRunner().invoke(
        app, ["kb", "gaps", "--min-similarity", "0.45"], env={"PERIMETER_DATA_DIR": str(data)}
    )
    assert result.exit_code == 0, result.output
    assert "4 unanswered questions" in result.output
    assert "позовите оператора" not in result.output
    assert "111-22-33" not in result.output and "[телефон]" in result.output
    first = next(line for line in result.output.splitlines() if line.strip().startswith("1."))
    assert "×4" in first and "ячейк" in first


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


def test_cli_ingest_reports_counts_and_broken_files(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "fees.md", FEES_DOC)
    write(kb, "broken.md", "---\nid: [oops\n---\ntext")
    env = {"PERIMETER_DATA_DIR": str(tmp_path / "data")}
    first = CliRunner().invoke(app, ["kb", "ingest", str(kb)], env=env)
    assert first.exit_code == 1
    assert "added 1, updated 0, unchanged 0, deleted 0, failed 1" in first.output
    assert "broken.md: broken front matter" in first.output
    (kb / "broken.md").unlink()
    second = CliRunner().invoke(app, ["kb", "ingest", str(kb), "--prune"], env=env)
    assert second.exit_code == 0
    assert "added 0, updated 0, unchanged 1" in second.output
    missing = CliRunner().invoke(app, ["kb", "ingest", str(tmp_path / "nope")], env=env)
    assert missing.exit_code == 1
    assert "not a directory" in missing.output
