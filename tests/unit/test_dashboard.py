"""The supervisors' dashboard: a bounded period for supervisors only, each day's figures, the
unanswered topics, and a CSV of figures only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.http.errors import Forbidden, InvalidInput
from bot.operators.dashboard import MAX_DAYS, Dashboard, as_csv
from bot.operators.models import DayActivity, DayReport
from bot.staff.models import StaffMember, StaffRole

SUPERVISOR = StaffMember(1, "sveta", "Светлана", StaffRole.SUPERVISOR)
OPERATOR = StaffMember(2, "anna", "Анна", StaffRole.OPERATOR)
TODAY = datetime.now(UTC).date()


class Reports:
    def __init__(self) -> None:
        self.asked: list[date] = []

    async def day_report(self, day: datetime) -> DayReport:
        self.asked.append(day.date())
        busy = day.date() == TODAY
        return DayReport(
            day=day.date().isoformat(),
            conversations=4 if busy else 0,
            handed_off=1 if busy else 0,
            handoffs_by_reason={"low_confidence": 1} if busy else {},
            resolutions={},
            median_wait_s=12.5 if busy else None,
            median_first_reply_s=None,
            csat_count=0,
            csat_average=None,
            callbacks=0,
        )

    async def day_activity(self, day: datetime) -> DayActivity:
        if day.date() != TODAY:
            return DayActivity({}, {}, 0, 0)
        return DayActivity({"answer": 3, "handoff": 1}, {"faq": 1, "cache": 1, "written": 1}, 2, 1)


class Topics:
    def __init__(self) -> None:
        self.days: list[float] = []

    async def top(self, days: float, limit: int) -> list[tuple[str, int]]:
        self.days.append(days)
        return [("Можно ли открыть вклад в юанях?", 3)][:limit]


async def test_each_day_of_the_period_with_its_figures_and_the_topics() -> None:
    reports, topics = Reports(), Topics()
    period = await Dashboard(reports, topics).period(SUPERVISOR, TODAY - timedelta(days=2), TODAY)
    assert reports.asked == [TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]
    today = period.days[-1]
    assert today.answers == 3 and today.without_model == pytest.approx(2 / 3)
    assert period.days[0].without_model is None  # no answers: no share, not 0 %
    assert period.topics == [("Можно ли открыть вклад в юанях?", 3)]
    assert topics.days == [3.0]  # the topics of the period's days


async def test_only_a_supervisor_sees_it() -> None:
    with pytest.raises(Forbidden):
        await Dashboard(Reports(), None).period(OPERATOR, TODAY, TODAY)


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        (TODAY, TODAY - timedelta(days=1), "ends before it starts"),
        (TODAY - timedelta(days=MAX_DAYS), TODAY, f"at most {MAX_DAYS} days"),
        (TODAY + timedelta(days=1), TODAY + timedelta(days=2), "in the future"),
    ],
)
async def test_a_period_out_of_bounds_is_refused(first: date, last: date, reason: str) -> None:
    reports = Reports()
    with pytest.raises(InvalidInput, match=reason):
        await Dashboard(reports, None).period(SUPERVISOR, first, last)
    assert reports.asked == []  # refused before a single query


async def test_the_csv_has_a_line_per_day_and_numbers_only() -> None:
    period = await Dashboard(Reports(), Topics()).period(SUPERVISOR, TODAY - timedelta(1), TODAY)
    text = as_csv(period)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["day"] for r in rows] == [(TODAY - timedelta(1)).isoformat(), TODAY.isoformat()]
    today = rows[1]
    assert (today["conversations"], today["containment"], today["answers"]) == ("4", "0.75", "3")
    assert (today["answers_faq"], today["answers_cache"], today["answers_written"]) == (
        "1",
        "1",
        "1",
    )
    assert (today["handoffs_low_confidence"], today["median_wait_s"]) == ("1", "12.5")
    assert rows[0]["containment"] == "" and rows[0]["median_wait_s"] == ""
    assert "юанях" not in text  # the topics' questions stay out of the file
