"""The supervisors' dashboard: the figures of each day of a period, from the same reports as
``perimeter report``, and the questions the bot could not answer, grouped.

Only counts, medians and masked example questions leave here: no conversation's text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.dialogue.models import HandoffReason
from bot.http.errors import Forbidden, InvalidInput
from bot.operators.models import DayActivity, DayReport
from bot.operators.ports import Reports, UnansweredTopics
from bot.staff.models import StaffMember, StaffRole

MAX_DAYS = 92  # a quarter: the longest period one request reads
TOPICS = 10
ANSWER_SOURCES = ("faq", "cache", "quoted", "written")


@dataclass(frozen=True, slots=True)
class Day:
    report: DayReport
    activity: DayActivity

    @property
    def answers(self) -> int:
        return sum(self.activity.answers_by_source.values())

    @property
    def without_model(self) -> float | None:
        """Share of knowledge answers given by the FAQ or the answer cache."""
        if not self.answers:
            return None
        by = self.activity.answers_by_source
        return (by.get("faq", 0) + by.get("cache", 0)) / self.answers


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date
    days: list[Day]
    topics: list[tuple[str, int]]  # a masked example question and how many asked alike


class Dashboard:
    def __init__(self, reports: Reports, topics: UnansweredTopics | None) -> None:
        self._reports = reports
        self._topics = topics

    async def period(self, viewer: StaffMember, first: date, last: date) -> Period:
        """Each day from ``first`` to ``last`` (UTC, both included)."""
        if viewer.role is not StaffRole.SUPERVISOR:
            raise Forbidden("only a supervisor can see the dashboard")
        today = datetime.now(UTC).date()
        if last < first:
            raise InvalidInput("the period ends before it starts", code="bad_period")
        if (last - first).days + 1 > MAX_DAYS:
            raise InvalidInput(f"a period is at most {MAX_DAYS} days", code="bad_period")
        if first > today:
            raise InvalidInput("the period starts in the future", code="bad_period")
        days = []
        for n in range((last - first).days + 1):
            moment = datetime.combine(first + timedelta(days=n), time(12), tzinfo=UTC)
            days.append(
                Day(
                    await self._reports.day_report(moment),
                    await self._reports.day_activity(moment),
                )
            )
        topics: list[tuple[str, int]] = []
        if self._topics is not None:
            since_days = (today - first).days + 1
            topics = await self._topics.top(float(since_days), TOPICS)
        return Period(first, last, days, topics)


def as_csv(period: Period) -> str:
    """One line per day; numbers only (no text a spreadsheet could run as a formula)."""
    reasons = [r.value for r in HandoffReason]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "day",
            "conversations",
            "handed_off",
            "containment",
            "answers",
            *(f"answers_{s}" for s in ANSWER_SOURCES),
            *(f"handoffs_{r}" for r in reasons),
            "median_wait_s",
            "median_first_reply_s",
            "csat_average",
            "csat_count",
            "helpful",
            "unhelpful",
        ]
    )
    for day in period.days:
        r, a = day.report, day.activity
        writer.writerow(
            [
                r.day,
                r.conversations,
                r.handed_off,
                _number(r.containment),
                day.answers,
                *(a.answers_by_source.get(s, 0) for s in ANSWER_SOURCES),
                *(r.handoffs_by_reason.get(reason, 0) for reason in reasons),
                _number(r.median_wait_s),
                _number(r.median_first_reply_s),
                _number(r.csat_average),
                r.csat_count,
                a.helpful,
                a.unhelpful,
            ]
        )
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
