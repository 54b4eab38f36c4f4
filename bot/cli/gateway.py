"""``perimeter gateway …``: the keys of the systems that call the gateway, and its audit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.runtime import fail, run
from bot.gateway.models import ALL_MODELS, ApiKey, CallRecord, Capability, KeyPolicy
from bot.gateway.ports import KeyNameTaken

if TYPE_CHECKING:
    from bot.container import Container

app = typer.Typer(
    help="The OpenAI-compatible gateway: client keys and the audit of calls.",
    no_args_is_help=True,
)
keys = typer.Typer(help="Keys of the client systems (CRM, call centre…).", no_args_is_help=True)
app.add_typer(keys, name="keys")

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@keys.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The client system: letters, digits, . _ -")],
    models: Annotated[
        str, typer.Option(help="Models it may use, comma-separated; * for all.")
    ] = ALL_MODELS,
    requests_per_minute: Annotated[
        int | None, typer.Option(help="Its rate (default: gateway.requests_per_minute).", min=1)
    ] = None,
    tokens_per_day: Annotated[
        int | None,
        typer.Option(help="Its tokens a day, UTC (default: gateway.tokens_per_day).", min=1),
    ] = None,
    long_context: Annotated[
        bool, typer.Option(help="Prefer the upstream with the longest context.")
    ] = False,
) -> None:
    """Make a key; it is printed once (only its hash is kept)."""
    if not _NAME.match(name):
        fail(f"{name!r} is not a key name: lowercase letters, digits, . _ - (up to 64)", 2)
    allowed = tuple(m.strip() for m in models.split(",") if m.strip())
    if not allowed:
        fail("--models names no model", 2)

    async def job(container: Container) -> tuple[ApiKey, str]:
        section = container.settings.gateway
        policy = KeyPolicy(
            models=allowed,
            requests_per_minute=requests_per_minute or section.requests_per_minute,
            tokens_per_day=tokens_per_day or section.tokens_per_day,
            capabilities=(Capability.LONG_CONTEXT,) if long_context else (),
        )
        ring = container.gateway_keys
        async with container.running():
            return await ring.add(name, policy)

    try:
        record, key = run(job)
    except KeyNameTaken:
        fail(f"an active key is already called {name}: revoke it first", 1)
    policy = record.policy
    typer.echo(
        f"key {record.name} made: models {','.join(policy.models)}, "
        f"{policy.requests_per_minute}/min, {policy.tokens_per_day} tokens/day. "
        "Store it in the client's secrets now: it is not shown again.",
        err=True,
    )
    typer.echo(key)


@keys.command("list")
def list_keys() -> None:
    """Every key, revoked ones too (by name and first characters, never the key)."""

    async def job(container: Container) -> list[ApiKey]:
        ring = container.gateway_keys
        async with container.running():
            return await ring.list()

    found = run(job)
    typer.echo(f"{'name':<24} {'prefix':<12} {'models':<30} {'/min':>6} {'tokens/day':>11} state")
    for key in found:
        state = "active" if key.active else f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
        typer.echo(
            f"{key.name:<24} {key.prefix:<12} {','.join(key.policy.models)[:30]:<30} "
            f"{key.policy.requests_per_minute:>6} {key.policy.tokens_per_day:>11} {state}"
        )


@keys.command("revoke")
def revoke(name: str) -> None:
    """Revoke the active key of ``name``: its next call gets 401."""

    async def job(container: Container) -> ApiKey | None:
        ring = container.gateway_keys
        async with container.running():
            return await ring.revoke(name)

    if run(job) is None:
        fail(f"no active key called {name}", 1)
    typer.echo(f"key {name} revoked")


@app.command("calls")
def calls(
    hours: Annotated[float, typer.Option(help="Only the last N hours.", min=0)] = 24.0,
    limit: Annotated[int, typer.Option(help="At most N rows.", min=1, max=100_000)] = 100,
) -> None:
    """The audit of gateway calls: key, model, upstream, route reason, tokens, latency and the
    personal data found (kinds and counts, never the text)."""

    async def job(container: Container) -> list[CallRecord]:
        store = container.stores.gateway_calls
        async with container.running():
            return await store.calls(datetime.now(UTC) - timedelta(hours=hours), limit)

    rows = run(job)
    typer.echo(
        f"{'at (UTC)':<20} {'key':<16} {'model':<20} {'answered by':<28} {'reason':<28} "
        f"{'status':>6} {'tokens':>11} {'ms':>7} pii"
    )
    for r in rows:
        at = r.at.strftime("%Y-%m-%d %H:%M:%S") if r.at else "-"
        pii = ",".join(f"{k}:{n}" for k, n in sorted(r.pii.items())) or "-"
        typer.echo(
            f"{at:<20} {r.key_name:<16} {r.model[:20]:<20} {_answered_by(r)[:28]:<28} "
            f"{r.reason[:28]:<28} {r.status:>6} {r.prompt_tokens:>5}+{r.completion_tokens:<5} "
            f"{r.latency_ms:>7} {pii}"
        )
    typer.echo(f"{len(rows)} calls", err=True)


def _answered_by(row: CallRecord) -> str:
    """The upstream and the model it answered with: ``cloud/provider-large``."""
    if not row.upstream:
        return "-"
    return f"{row.upstream}/{row.upstream_model}" if row.upstream_model else row.upstream
