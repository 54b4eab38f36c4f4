"""``perimeter report``: the operators' day — handoffs, waits, containment, CSAT."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.runtime import fail, run
from bot.operators.models import DayReport

if TYPE_CHECKING:
    from bot.container import Container


def report(
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (UTC); default today.")] = None,
    days: Annotated[int, typer.Option(help="This many days back from DAY.", min=1)] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """Handoffs by reason, waiting and first-reply times, containment and CSAT per day."""
    try:
        last = datetime.fromisoformat(day).replace(tzinfo=UTC) if day else datetime.now(UTC)
    except ValueError:
        fail(f"not a date: {day!r} (YYYY-MM-DD)", 2)
    wanted = [last - timedelta(days=n) for n in reversed(range(days))]

    async def job(container: Container) -> list[DayReport]:
        reports = container.stores.reports
        async with container.running():
            return [await reports.day_report(moment) for moment in wanted]

    for row in run(job):
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
