"""``perimeter operators …`` (console accounts) and ``perimeter report`` (daily records)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

import typer

from bot.operators.auth import create_operator, validate_name
from bot.operators.models import DayReport, OperatorRole
from bot.operators.passwords import WeakPassword, check_strength, hash_password
from bot.settings import Settings
from bot.storage import create_engine, upgrade_database
from bot.storage.operators import OperatorExists, SqlOperatorStore, UnknownOperator

operators_app = typer.Typer(help="Operator console accounts.", no_args_is_help=True)
_T = TypeVar("_T")
SettingsLoader = Callable[[], Settings]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _with_store(settings: Settings, job: Callable[[SqlOperatorStore], Awaitable[_T]]) -> _T:
    async def run() -> _T:
        await upgrade_database(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            return await job(SqlOperatorStore(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat the password", hide_input=True)
    if first != second:
        raise _fail("the passwords differ", 2)
    return str(first)


def register(app: typer.Typer, load: SettingsLoader) -> None:
    """Add ``operators`` and ``report`` to the main command line."""
    app.add_typer(operators_app, name="operators")

    @operators_app.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="Login: letters, digits, . _ -")],
        role: Annotated[OperatorRole, typer.Option(help="operator or supervisor.")] = (
            OperatorRole.OPERATOR
        ),
        display_name: Annotated[
            str | None, typer.Option(help="The name customers see («Анна»).")
        ] = None,
        password_stdin: Annotated[
            bool, typer.Option(help="Read the password from the first line of stdin.")
        ] = False,
        exist_ok: Annotated[
            bool, typer.Option(help="Succeed without changes when the login exists.")
        ] = False,
    ) -> None:
        """Create a console account (the password is asked for, never an argument)."""
        settings = load()
        try:
            login = validate_name(name)
        except ValueError as exc:
            raise _fail(str(exc), 2) from None
        password = _read_password(password_stdin)

        async def job(store: SqlOperatorStore) -> None:
            if exist_ok and await store.operator(login) is not None:
                typer.echo(f"operator {login} exists; unchanged")
                return
            await create_operator(
                store, login, password, role=role, display_name=display_name or login
            )
            typer.echo(f"operator {login} created ({role.value})")

        try:
            _with_store(settings, job)
        except WeakPassword as exc:
            raise _fail(str(exc), 2) from None
        except OperatorExists:
            raise _fail(f"operator {login} already exists", 1) from None

    @operators_app.command("list")
    def list_operators() -> None:
        """Console accounts."""
        operators = _with_store(load(), lambda store: store.list_operators())
        typer.echo(f"{'login':<24} {'name':<24} {'role':<12} active")
        for o in operators:
            typer.echo(f"{o.name:<24} {o.display_name:<24} {o.role.value:<12} {o.active}")

    @operators_app.command("passwd")
    def passwd(
        name: str,
        password_stdin: Annotated[bool, typer.Option(help="Read it from stdin.")] = False,
    ) -> None:
        """Set a new password; the operator's sessions end."""
        settings = load()
        password = _read_password(password_stdin)
        try:
            check_strength(password, name)
        except WeakPassword as exc:
            raise _fail(str(exc), 2) from None

        async def job(store: SqlOperatorStore) -> None:
            await store.update_operator(
                name, password_hash=hash_password(password), failed_logins=0, locked_until=None
            )
            operator = await store.operator(name)
            assert operator is not None
            await store.end_sessions(operator.id)

        try:
            _with_store(settings, job)
        except UnknownOperator:
            raise _fail(f"no operator {name}", 1) from None
        typer.echo(f"password of {name} changed")

    @operators_app.command("disable")
    def disable(name: str) -> None:
        """Lock an account out at once (its sessions end); the history stays."""

        async def job(store: SqlOperatorStore) -> None:
            await store.update_operator(name, active=False)
            operator = await store.operator(name)
            assert operator is not None
            await store.end_sessions(operator.id)

        try:
            _with_store(load(), job)
        except UnknownOperator:
            raise _fail(f"no operator {name}", 1) from None
        typer.echo(f"operator {name} disabled")

    @operators_app.command("enable")
    def enable(name: str) -> None:
        try:
            _with_store(load(), lambda store: store.update_operator(name, active=True))
        except UnknownOperator:
            raise _fail(f"no operator {name}", 1) from None
        typer.echo(f"operator {name} enabled")

    @app.command("report")
    def report(
        day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (UTC); default today.")] = None,
        days: Annotated[int, typer.Option(help="This many days back from DAY.", min=1)] = 1,
        as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
    ) -> None:
        """Handoffs by reason, waiting and first-reply times, containment and CSAT per day."""
        try:
            last = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else datetime.now(UTC)
        except ValueError:
            raise _fail(f"not a date: {day!r} (YYYY-MM-DD)", 2) from None
        wanted = [last - timedelta(days=n) for n in reversed(range(days))]

        async def job(store: SqlOperatorStore) -> list[DayReport]:
            return [await store.day_report(moment) for moment in wanted]

        for row in _with_store(load(), job):
            typer.echo(json.dumps(_as_dict(row), ensure_ascii=False) if as_json else _line(row))


def _as_dict(row: DayReport) -> dict[str, object]:
    return {
        "day": row.day,
        "conversations": row.conversations,
        "handed_off": row.handed_off,
        "containment": row.containment,
        "handoffs_by_reason": row.handoffs_by_reason,
        "resolutions": row.resolutions,
        "median_wait_s": row.median_wait_s,
        "median_first_reply_s": row.median_first_reply_s,
        "csat_count": row.csat_count,
        "csat_average": row.csat_average,
        "callbacks": row.callbacks,
    }


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} s"


def _line(row: DayReport) -> str:
    containment = "-" if row.containment is None else f"{row.containment:.1%}"
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(row.handoffs_by_reason.items())) or "none"
    csat = "-" if row.csat_average is None else f"{row.csat_average:.2f} (n={row.csat_count})"
    return (
        f"{row.day}: conversations {row.conversations}, handed off {row.handed_off}, "
        f"containment {containment}\n"
        f"  handoffs by reason: {reasons}\n"
        f"  median wait {_seconds(row.median_wait_s)}, median first reply "
        f"{_seconds(row.median_first_reply_s)}, callbacks {row.callbacks}, CSAT {csat}"
    )
