"""``perimeter staff …``: accounts of the operator console and the knowledge-base admin."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.runtime import fail, run
from bot.staff.accounts import validate_name
from bot.staff.errors import MemberExists, UnknownMember, WeakPassword
from bot.staff.models import StaffRole

if TYPE_CHECKING:
    from bot.container import Container

app = typer.Typer(
    help="Staff accounts: operators, supervisors and the content team's editors.",
    no_args_is_help=True,
)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat the password", hide_input=True)
    if first != second:
        fail("the passwords differ", 2)
    return str(first)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Login: letters, digits, . _ -")],
    role: Annotated[StaffRole, typer.Option(help="operator, supervisor or editor.")] = (
        StaffRole.OPERATOR
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
    """Create an account (the password is asked for, never an argument)."""
    try:
        login = validate_name(name)
    except ValueError as exc:
        fail(str(exc), 2)
    password = _read_password(password_stdin)

    async def job(container: Container) -> str:
        staff = container.staff
        async with container.running():
            if exist_ok and await staff.member(login) is not None:
                return f"{login} exists; unchanged"
            await staff.add(login, password, role=role, display_name=display_name or login)
            return f"{login} created ({role.value})"

    try:
        typer.echo(run(job))
    except WeakPassword as exc:
        fail(str(exc), 2)
    except MemberExists:
        fail(f"{login} already exists", 1)


@app.command("list")
def list_members() -> None:
    """Every account."""

    async def job(container: Container) -> list[tuple[str, str, str, bool]]:
        staff = container.staff
        async with container.running():
            return [(m.name, m.display_name, m.role.value, m.active) for m in await staff.members()]

    members = run(job)
    typer.echo(f"{'login':<24} {'name':<24} {'role':<12} active")
    for login, display, role, active in members:
        typer.echo(f"{login:<24} {display:<24} {role:<12} {active}")


@app.command("passwd")
def passwd(
    name: str,
    password_stdin: Annotated[bool, typer.Option(help="Read it from stdin.")] = False,
) -> None:
    """Set a new password; the member's sessions end."""
    password = _read_password(password_stdin)

    async def job(container: Container) -> None:
        staff = container.staff
        async with container.running():
            await staff.change_password(name, password)

    try:
        run(job)
    except WeakPassword as exc:
        fail(str(exc), 2)
    except (UnknownMember, ValueError):
        fail(f"no account {name}", 1)
    typer.echo(f"password of {name} changed")


@app.command("disable")
def disable(name: str) -> None:
    """Lock an account out at once (its sessions end); the history stays."""

    async def job(container: Container) -> None:
        staff = container.staff
        async with container.running():
            await staff.disable(name)

    try:
        run(job)
    except (UnknownMember, ValueError):
        fail(f"no account {name}", 1)
    typer.echo(f"{name} disabled")


@app.command("enable")
def enable(name: str) -> None:
    """Let a disabled account log in again."""

    async def job(container: Container) -> None:
        staff = container.staff
        async with container.running():
            await staff.enable(name)

    try:
        run(job)
    except (UnknownMember, ValueError):
        fail(f"no account {name}", 1)
    typer.echo(f"{name} enabled")
