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
    from integrations.core_banking.sandbox.process import RunningSandbox


def evaluate(
    cases_file: Annotated[Path, typer.Argument(help="Cases YAML.")],
    kb: Annotated[Path, typer.Option(help="Knowledge-base folder to index.")],
    bank_data: Annotated[Path | None, typer.Option(help="Sandbox bank JSON.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
) -> None:
    """Index --kb into a fresh store and run every case through the real engine."""
    from bot.evaluation.cases import CaseFileError, load_cases

    loaded = settings()
    try:
        cases = load_cases(cases_file)
    except CaseFileError as exc:
        fail(str(exc), 2)
    if not kb.is_dir():
        fail(f"--kb {kb}: not a directory", 2)
    if bank_data is not None and not bank_data.is_file():
        fail(f"--bank-data {bank_data}: no such file", 2)
    result = asyncio.run(_run(loaded, cases, kb, bank_data))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    typer.echo("\nsummary:")
    for key, value in result["summary"].items():
        typer.echo(f"  {key:<18} {value}")


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

    async with container.running():
        await container.prepare_index(kb)
        results = await run_cases(engine, cases, on_result=show)
    return report(cases, results)
