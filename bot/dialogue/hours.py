"""Operators' working hours: when a handoff can expect a person soon."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Daily opening hours in the bank's time zone; ``days`` are ISO weekdays (1 = Monday).

    An end of 24:00 means midnight; an end earlier than the start spans midnight (a night
    shift, 20:00-08:00).
    """

    start: time
    end: time | None  # None: until midnight
    days: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(cls, span: str, days: str, zone: str) -> WorkingHours:
        """``"09:00-21:00"``, ``"1-5"`` or ``"1,2,3,4,5,6"``, ``"Europe/Moscow"``."""
        match = _SPAN.match(span)
        if not match:
            raise ValueError(f"working hours must look like 09:00-21:00, got {span!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"not a time of day in {span!r}")
        end = None if h2 == 24 else time(h2, m2)
        return cls(time(h1, m1), end, parse_days(days), ZoneInfo(zone))

    @property
    def always(self) -> bool:
        return self.start == time(0, 0) and self.end is None and len(self.days) == 7

    def open_at(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        now = local.time()
        if self.end is None or self.start < self.end:
            inside = self.start <= now and (self.end is None or now < self.end)
            return inside and local.isoweekday() in self.days
        # Across midnight: the evening belongs to today, the early morning to yesterday.
        if now >= self.start:
            return local.isoweekday() in self.days
        if now < self.end:
            return ((local.isoweekday() - 2) % 7) + 1 in self.days
        return False

    def describe(self) -> str:
        end = "24:00" if self.end is None else self.end.strftime("%H:%M")
        return f"{self.start.strftime('%H:%M')}–{end}"


def parse_days(days: str) -> frozenset[int]:
    found: set[int] = set()
    for part in days.split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if not 1 <= first <= last <= 7:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), got {part!r}")
        found.update(range(first, last + 1))
    if not found:
        raise ValueError("at least one working day is needed")
    return frozenset(found)
