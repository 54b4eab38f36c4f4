"""``perimeter kb …``: the knowledge base — indexing a folder, provenance, gaps, and the
content workflow (the same service as /admin, recorded under the ``--as`` name)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from tqdm import tqdm

from bot.cli.runtime import fail, run

if TYPE_CHECKING:
    from bot.container import Container
    from bot.content.models import KbAction, KbDocument
    from bot.content.service import ContentService
    from bot.dialogue.models import StoredMessage
    from rag.gaps import Gap
    from rag.ingest import IngestReport

app = typer.Typer(help="Knowledge base.", no_args_is_help=True)
_Actor = Annotated[str, typer.Option("--as", help="Who does it (recorded in the history).")]
_LOCKED = (
    "the running server holds the local knowledge base: publish through /admin, or run"
    " Qdrant as a server (PERIMETER_QDRANT__URL)"
)


class _Bar:
    def __init__(self, total: int) -> None:
        self._bar = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr)

    def advance(self, label: str) -> None:
        self._bar.set_postfix_str(label[:40], refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


# --- the index ---------------------------------------------------------------------------------


@app.command("ingest")
def ingest(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder of documents: .md .txt .html .pdf .docx .faq.yaml .faq.csv"),
    ],
    prune: Annotated[bool, typer.Option(help="Delete documents whose files are gone.")] = False,
    rebuild: Annotated[
        bool,
        typer.Option(help="Index anew into a new collection, then switch the alias to it."),
    ] = False,
) -> None:
    """Index a folder of documents (idempotent: unchanged files are skipped)."""
    from rag.ingest import Ingestor

    if not directory.is_dir():
        fail(f"{directory}: not a directory")

    async def job(container: Container) -> IngestReport:
        store = container.knowledge_store
        async with container.running():
            if rebuild or store.needs_rebuild:
                # Into a new collection while the current one keeps serving; then one switch.
                built: list[IngestReport] = []
                await asyncio.to_thread(
                    store.rebuild,
                    lambda staging: built.append(
                        Ingestor(staging).ingest_dir(directory, progress=_Bar)
                    ),
                )
                return built[0]
            return await asyncio.to_thread(
                Ingestor(store).ingest_dir, directory, prune=prune, progress=_Bar
            )

    report = run(job)
    typer.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {len(report.skipped)}, deleted {len(report.deleted)}, "
        f"failed {len(report.failed)}; {report.chunks} chunks in {report.seconds:.1f}s "
        f"({report.chunks_per_second:.1f} chunks/s)"
    )
    for name, reason in report.failed:
        typer.secho(f"  {name}: {reason}", fg=typer.colors.YELLOW, err=True)
    if report.failed:
        raise typer.Exit(1)


@app.command("why")
def why(
    message_id: Annotated[
        str, typer.Argument(help="The id of a bot answer (transcripts show it).")
    ],
) -> None:
    """Which documents, in which version, a bot answer drew on (provenance)."""
    from rag.errors import StoreError, StoreLocked

    async def job(container: Container) -> tuple[StoredMessage | None, dict[str, str] | None]:
        conversations = container.stores.conversations
        async with container.running():
            message = await conversations.get_message(message_id)
        if message is None or not message.sources:
            return message, {}
        try:
            with container.index_reader() as index:
                return message, {d: i.content_hash for d, i in index.indexed_documents().items()}
        except StoreLocked:
            return message, None  # a running server holds it
        except StoreError:
            return message, {}  # nothing indexed yet

    message, current = run(job)
    if message is None:
        fail(f"no message {message_id!r}")
    if message.role.value != "bot":
        fail(f"message {message_id} is the {message.role.value}'s, not a bot answer")
    at = message.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    route = message.route.value if message.route else "-"
    typer.echo(
        f"message {message.id}: bot, route {route}, {at}, conversation {message.conversation_id}"
    )
    excerpt = message.text if len(message.text) <= 200 else message.text[:200] + "…"
    typer.echo(f"  «{excerpt}»")
    if not message.sources:
        typer.echo("drew on no documents (not a knowledge-base answer)")
        return
    typer.echo("drew on:")
    for source in message.sources:
        name = source.title + (f" — {source.section}" if source.section else "")
        now = current.get(source.doc_id) if current is not None else None
        if current is None:
            state = "index in use by a running server: not compared"
        elif now is None:
            state = "no longer in the knowledge base"
        elif source.version and now.startswith(source.version):
            state = "current"
        else:
            state = f"changed since (now {now[:12]})"
        typer.echo(f"  {source.doc_id}  «{name}»  version {source.version or '-'}  [{state}]")


@app.command("gaps")
def gaps(
    days: Annotated[float, typer.Option(help="Questions of the last N days.", min=0)] = 30.0,
    min_similarity: Annotated[
        float,
        typer.Option(
            help="Cosine at which two questions are one topic (use: paraphrases 0.45-0.65).",
            min=0,
            max=1,
        ),
    ] = 0.5,
    top: Annotated[int, typer.Option(help="Show this many topics.", min=1)] = 20,
) -> None:
    """What the knowledge base lacks: questions that ended in a handoff because the bot had
    no confident, grounded answer (or failed twice), grouped by meaning, biggest first."""

    async def job(container: Container) -> tuple[int, list[Gap]]:
        finder = container.gaps
        async with container.running():
            return await finder.count_and_find(days, min_similarity)

    count, found = run(job)
    if not count:
        typer.echo(f"no unanswered questions in the last {days:g} days")
        return
    typer.echo(f"{count} unanswered questions in {len(found)} topics (last {days:g} days)")
    for number, gap in enumerate(found[:top], 1):
        typer.echo(f"{number:>3}. ×{gap.size}  {gap.example}")
        for other in gap.questions[1:4]:
            typer.echo(f"          {other}")


# --- the content workflow ----------------------------------------------------------------------


def _content(container: Container, *, index: bool) -> ContentService:
    """The content service; ``index`` opens the knowledge base (publish, roll back, delete)."""
    from rag.errors import StoreLocked

    if not index:
        return container.content_records
    try:
        return container.content
    except StoreLocked:
        fail(_LOCKED)


@app.command("docs")
def docs() -> None:
    """Documents managed by the content team, with their published and draft versions."""

    async def job(container: Container) -> list[KbDocument]:
        content = _content(container, index=False)
        async with container.running():
            return await content.documents()

    found = run(job)
    typer.echo(f"{'document':<32} {'published':>9} {'draft':>6}  title")
    for d in found:
        published = (
            "deleted" if d.deleted else (f"v{d.published_version}" if d.published_version else "-")
        )
        draft = f"v{d.draft_version}" if d.draft_version else "-"
        typer.echo(f"{d.doc_id:<32} {published:>9} {draft:>6}  {d.title}")


@app.command("upload")
def upload(path: Path, actor: _Actor = "cli") -> None:
    """Add FILE as a new draft version of its document."""
    if not path.is_file():
        fail(f"{path}: no such file", 2)
    data = path.read_bytes()

    async def job(container: Container) -> str:
        content = _content(container, index=False)
        async with container.running():
            document, version = await content.upload(actor, path.name, data)
        return f"{document.doc_id}: draft v{version.version} ({version.size} bytes)"

    typer.echo(run(job))


@app.command("publish")
def publish(
    doc_id: str,
    version: Annotated[int | None, typer.Option(help="Default: the newest draft.")] = None,
    actor: _Actor = "cli",
) -> None:
    """Make a version the one the bot answers from (re-indexes this document only)."""

    async def job(container: Container) -> str:
        content = _content(container, index=True)
        async with container.running():
            document = next((d for d in await content.documents() if d.doc_id == doc_id), None)
            chosen = version or (document.draft_version if document else None)
            if document is None or chosen is None:
                fail(f"{doc_id}: no such document or no draft to publish")
            done = await content.publish(actor, doc_id, chosen, document.published_version)
        return f"{doc_id}: v{done.published_version} published"

    typer.echo(run(job))


@app.command("rollback")
def rollback(doc_id: str, version: int, actor: _Actor = "cli") -> None:
    """Publish an earlier version again."""

    async def job(container: Container) -> str:
        content = _content(container, index=True)
        async with container.running():
            document = next((d for d in await content.documents() if d.doc_id == doc_id), None)
            expected = document.published_version if document else None
            done = await content.rollback(actor, doc_id, version, expected)
        return f"{doc_id}: back to v{done.published_version}"

    typer.echo(run(job))


@app.command("delete")
def delete(doc_id: str, actor: _Actor = "cli") -> None:
    """Take a document out of the bot's knowledge base (its versions are kept)."""

    async def job(container: Container) -> None:
        content = _content(container, index=True)
        async with container.running():
            await content.delete(actor, doc_id)

    run(job)
    typer.echo(f"{doc_id}: deleted")


@app.command("history")
def history(limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50) -> None:
    """Who did what to the knowledge base, newest first."""

    async def job(container: Container) -> list[KbAction]:
        content = _content(container, index=False)
        async with container.running():
            return await content.actions(limit)

    for a in run(job):
        number = f"v{a.version}" if a.version else ""
        at = a.at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{at}  {a.actor:<16} {a.action:<9} {a.doc_id} {number}")
