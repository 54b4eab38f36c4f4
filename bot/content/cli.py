"""``perimeter kb docs | upload | publish | rollback | delete | history``: the content
workflow from a terminal (the same service as /admin, recorded under the given --as name)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot.content.service import ContentService
from bot.operators.errors import DeskError
from bot.settings import Settings
from bot.storage import create_engine, upgrade_database
from bot.storage.content import SqlContentStore
from rag.errors import RagError, StoreLocked

_T = TypeVar("_T")
SettingsLoader = Callable[[], Settings]
_Actor = Annotated[str, typer.Option("--as", help="Who does it (recorded in the history).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _run(settings: Settings, job: Callable[[ContentService], Awaitable[_T]], *, index: bool) -> _T:
    """Run ``job`` with the content service; ``index`` opens the knowledge store too."""
    from bot.container import build_embeddings_from, build_knowledge_store

    async def run() -> _T:
        await upgrade_database(settings.database_url)
        engine = create_engine(settings.database_url)
        embeddings = build_embeddings_from(settings)
        knowledge = None
        try:
            if index:
                try:
                    knowledge = build_knowledge_store(settings, embeddings)
                except StoreLocked:
                    raise _fail(
                        "the running server holds the local knowledge base: publish through"
                        " /admin, or run Qdrant as a server (PERIMETER_QDRANT__URL)"
                    ) from None
                await asyncio.to_thread(knowledge.ensure_collection)
            service = ContentService(SqlContentStore(engine), knowledge, embeddings)
            return await job(service)
        finally:
            if knowledge is not None:
                knowledge.close()
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DeskError as exc:
        raise _fail(exc.message, 2 if exc.status in (413, 422) else 1) from None
    except RagError as exc:
        raise _fail(str(exc)) from None


def register(kb_app: typer.Typer, load: SettingsLoader) -> None:

    @kb_app.command("docs")
    def docs() -> None:
        """Documents managed by the content team, with their published and draft versions."""
        found = _run(load(), lambda s: s.documents(), index=False)
        typer.echo(f"{'document':<32} {'published':>9} {'draft':>6}  title")
        for d in found:
            published = (
                "deleted"
                if d.deleted
                else (f"v{d.published_version}" if d.published_version else "-")
            )
            draft = f"v{d.draft_version}" if d.draft_version else "-"
            typer.echo(f"{d.doc_id:<32} {published:>9} {draft:>6}  {d.title}")

    @kb_app.command("upload")
    def upload(path: Path, actor: _Actor = "cli") -> None:
        """Add FILE as a new draft version of its document."""
        if not path.is_file():
            raise _fail(f"{path}: no such file", 2)
        data = path.read_bytes()
        document, version = _run(load(), lambda s: s.upload(actor, path.name, data), index=False)
        typer.echo(f"{document.doc_id}: draft v{version.version} ({version.size} bytes)")

    @kb_app.command("publish")
    def publish(
        doc_id: str,
        version: Annotated[int | None, typer.Option(help="Default: the newest draft.")] = None,
        actor: _Actor = "cli",
    ) -> None:
        """Make a version the one the bot answers from (re-indexes this document only)."""

        async def job(service: ContentService) -> str:
            document = next((d for d in await service.documents() if d.doc_id == doc_id), None)
            chosen = version or (document.draft_version if document else None)
            if document is None or chosen is None:
                raise _fail(f"{doc_id}: no such document or no draft to publish")
            done = await service.publish(actor, doc_id, chosen, document.published_version)
            return f"{doc_id}: v{done.published_version} published"

        typer.echo(_run(load(), job, index=True))

    @kb_app.command("rollback")
    def rollback(doc_id: str, version: int, actor: _Actor = "cli") -> None:
        """Publish an earlier version again."""

        async def job(service: ContentService) -> str:
            document = next((d for d in await service.documents() if d.doc_id == doc_id), None)
            expected = document.published_version if document else None
            done = await service.rollback(actor, doc_id, version, expected)
            return f"{doc_id}: back to v{done.published_version}"

        typer.echo(_run(load(), job, index=True))

    @kb_app.command("delete")
    def delete(doc_id: str, actor: _Actor = "cli") -> None:
        """Take a document out of the bot's knowledge base (its versions are kept)."""
        _run(load(), lambda s: s.delete(actor, doc_id), index=True)
        typer.echo(f"{doc_id}: deleted")

    @kb_app.command("history")
    def history(limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50) -> None:
        """Who did what to the knowledge base, newest first."""
        for a in _run(load(), lambda s: s.actions(limit), index=False):
            version = f"v{a.version}" if a.version else ""
            at = a.at.strftime("%Y-%m-%d %H:%M:%S")
            typer.echo(f"{at}  {a.actor:<16} {a.action:<9} {a.doc_id} {version}")
