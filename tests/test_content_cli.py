"""The content workflow from the terminal: the same service as /admin, over a real SQLite
database and Qdrant local mode with real embeddings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from rag.embeddings import UniversalSentenceEncoderEmbeddings
from rag.sparse import LexicalSparseEmbeddings
from rag.store import KnowledgeStore, open_client

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
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as sink:
        sink.truncate(50 * 1024 * 1024)
    refused = runner.invoke(app, ["kb", "upload", str(huge)], env=env)
    assert refused.exit_code == 2 and "limit is 20 MB" in refused.output
    empty = tmp_path / "empty.md"
    empty.write_text("")
    assert "empty document" in runner.invoke(app, ["kb", "upload", str(empty)], env=env).output
    assert runner.invoke(app, ["kb", "publish", "nothing"], env=env).exit_code == 1
