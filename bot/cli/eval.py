"""``perimeter eval``: the evaluation cases through the real engine, on a fresh instance."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import SecretStr

from bot.cli.runtime import fail, settings
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.evaluation.cases import EvalCase
    from bot.evaluation.sets import EvalSet
    from integrations.core_banking.sandbox.process import RunningSandbox


def evaluate(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Evaluation set folders (cases.yaml, kb/, bank.json), or one cases YAML "
            "with --kb.",
        ),
    ],
    kb: Annotated[
        Path | None, typer.Option(help="Knowledge-base folder, with a cases YAML.")
    ] = None,
    bank_data: Annotated[
        Path | None, typer.Option(help="Sandbox bank JSON, with a cases YAML.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
    per_route: Annotated[
        int | None,
        typer.Option(min=1, help="Only the first N cases of each expected route (a quick run)."),
    ] = None,
    against_configured_abs: Annotated[
        bool,
        typer.Option(
            "--against-configured-abs",
            help="Run a set without bank data against the ABS in the settings: its cases log"
            " in as customers, read their accounts and block cards there.",
        ),
    ] = False,
) -> None:
    """Index each set's knowledge base into a fresh store and run its cases through the real
    engine; with several sets, a table compares them."""
    from bot.evaluation import sets
    from bot.evaluation.cases import CaseFileError, load_cases

    loaded = settings()
    chosen = _sets(sources, kb, bank_data)
    runs: list[tuple[sets.EvalSet, list[EvalCase]]] = []
    for evaluation in chosen:
        try:
            runs.append((evaluation, sets.per_route(load_cases(evaluation.cases), per_route)))
        except CaseFileError as exc:
            fail(str(exc), 2)
    without_bank = [e.name for e in chosen if e.bank is None]
    if without_bank and not against_configured_abs:
        fail(
            f"{', '.join(without_bank)}: no bank data, so the cases would log in, read accounts"
            f" and block cards at the configured ABS ({loaded.core_banking.base_url}); give"
            " --bank-data FILE (a sandbox ABS is started from it), or --against-configured-abs"
            " if that ABS is a test system",
            2,
        )
    reports: dict[str, dict[str, Any]] = {}
    for evaluation, cases in runs:
        typer.echo(f"\n== {evaluation.name}: {len(cases)} cases, kb {evaluation.kb}")
        # A set's kb/ may be a link to the sample knowledge base: index the folder it names.
        result = asyncio.run(_run(loaded, cases, evaluation.kb.resolve(), evaluation.bank))
        reports[evaluation.name] = result
        typer.echo(f"\nsummary ({evaluation.name}):")
        for key, value in result["summary"].items():
            typer.echo(f"  {key:<28} {value}")
        typer.echo("  routes (expected: given)")
        for expected, given in result["confusion"].items():
            typer.echo(f"    {expected:<14} {given}")
    if len(reports) > 1:
        typer.echo("\n" + comparison(reports))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        document = next(iter(reports.values())) if len(reports) == 1 else {"sets": reports}
        json_out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


COMPARED = (
    "passed",
    "total",
    "source_hit_rate",
    "right_facts_rate",
    "wrong_fact_rate",
    "route_accuracy",
    "account_answered_rate",
    "auth_required_recall",
    "handoff_recall",
    "handoff_precision",
    "containment_of_containable",
    "quoted_answers",
    "answer_latency_p50_ms",
    "llm_answer_latency_p50_ms",
)


def comparison(reports: dict[str, dict[str, Any]]) -> str:
    """The main measures of every set, side by side."""
    names = list(reports)
    width = max(12, *(len(n) for n in names))
    lines = [f"{'measure':<28}" + "".join(f"{n:>{width + 2}}" for n in names)]
    for key in COMPARED:
        values = [reports[n]["summary"].get(key) for n in names]
        lines.append(f"{key:<28}" + "".join(f"{v!s:>{width + 2}}" for v in values))
    return "\n".join(lines)


def _sets(sources: list[Path], kb: Path | None, bank_data: Path | None) -> list[EvalSet]:
    from bot.evaluation import sets

    if len(sources) == 1 and sources[0].is_file():
        if kb is None:
            fail(f"{sources[0]}: a cases file needs --kb (or give a set folder)", 2)
        if not kb.is_dir():
            fail(f"--kb {kb}: not a directory", 2)
        if bank_data is not None and not bank_data.is_file():
            fail(f"--bank-data {bank_data}: no such file", 2)
        return [sets.EvalSet(sources[0].stem, sources[0], kb, bank_data)]
    if kb is not None or bank_data is not None:
        fail("--kb and --bank-data go with one cases file; a set folder has its own", 2)
    found = []
    for source in sources:
        if not source.exists():
            fail(f"{source}: no such file or folder", 2)
        if source.is_file():
            fail(f"{source}: give one cases file alone, or set folders", 2)
        try:
            found.append(sets.from_folder(source))
        except sets.SetError as exc:
            fail(str(exc), 2)
    return found


async def _run(
    loaded: Settings, cases: list[EvalCase], kb: Path, bank_data: Path | None
) -> dict[str, Any]:
    from integrations.core_banking.sandbox.process import SandboxStartError, running_sandbox

    with tempfile.TemporaryDirectory(prefix="perimeter-eval-") as tmp:
        if bank_data is None:
            return await _run_in(loaded, Path(tmp), cases, kb, None)
        try:
            with running_sandbox(bank_data, log=Path(tmp) / "sandbox.log") as sandbox:
                typer.echo(f"sandbox ABS seeded from {bank_data} at {sandbox.base_url}")
                return await _run_in(loaded, Path(tmp), cases, kb, sandbox)
        except SandboxStartError as exc:
            fail(str(exc), 1)


def isolated(loaded: Settings, tmp: Path, sandbox: RunningSandbox | None) -> Settings:
    """The settings of an evaluation: its own database and index in ``tmp``, the sandbox ABS."""
    core = loaded.core_banking
    if sandbox is not None:
        core = core.model_copy(
            update={"base_url": sandbox.base_url, "token": SecretStr(sandbox.token)}
        )
    return loaded.model_copy(
        update={
            "data_dir": tmp,
            "database": loaded.database.model_copy(update={"url": None}),
            "qdrant": loaded.qdrant.model_copy(update={"url": None, "path": None}),
            "core_banking": core,
            # The operator's summary is not scored and would take the model from the cases;
            # answers must not depend on the hour the eval runs.
            "operators": loaded.operators.model_copy(
                update={"model_summary": False, "working_hours": "00:00-24:00"}
            ),
        }
    )


async def _run_in(
    loaded: Settings,
    tmp: Path,
    cases: list[EvalCase],
    kb: Path,
    sandbox: RunningSandbox | None,
) -> dict[str, Any]:
    from bot.container import build_container
    from bot.evaluation.runner import CaseResult, report, run_cases

    container = build_container(isolated(loaded, tmp, sandbox))
    engine = container.engine
    typer.echo(f"{'case':<16} {'ok':<4} {'route':<28} {'ms':>7}  sources / failures")

    def show(r: CaseResult) -> None:
        routes = f"{r.route}/{r.expected_route}"
        detail = ", ".join(r.failures) if r.failures else ", ".join(r.sources)
        mark = "ok" if r.passed else "FAIL"
        typer.echo(f"{r.id:<16} {mark:<4} {routes:<28} {r.latency_ms:>7.0f}  {detail}")

    await container.upgrade_database()  # its own scratch database, made for this run
    async with container.running():
        await container.prepare_index(kb)
        results = await run_cases(engine, cases, on_result=show)
    return report(cases, results)
