"""The operators' vocabulary: what the console shows about a conversation, the day's report."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.dialogue.models import Handoff, Resolution


def day_bounds(day: datetime) -> tuple[datetime, datetime]:
    """The UTC day ``day`` falls in, as [start, end)."""
    aware = day if day.tzinfo else day.replace(tzinfo=UTC)
    start = aware.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """Who an authenticated customer is, for the operator: card numbers already masked."""

    name: str
    phone: str
    cards: tuple[str, ...]

    @property
    def first_name(self) -> str:
        """«Смирнова Анна Викторовна» → «Анна» (surname, name, patronymic, as Russian
        records have it); any other shape: its first word."""
        words = self.name.split()
        if len(words) == 3 and words[2].lower().endswith(_PATRONYMIC):
            return words[1]
        return words[0] if words else ""


_PATRONYMIC = ("вич", "вна", "чна", "оглы", "кызы")


@dataclass(frozen=True, slots=True)
class CannedResponse:
    """A reply operators insert by its shortcut («/привет»); supervisors keep them."""

    id: str
    shortcut: str
    lang: str  # ru or en: the conversation's language picks
    title: str
    text: str  # may hold {first_name} and {operator}
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Note:
    """A private note on a handoff: operators and supervisors see it, the customer never."""

    id: str
    handoff_id: str
    author: str  # login
    author_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ConversationQuery:
    """What a search of past conversations asks for; every part optional, all must hold."""

    text: str | None = None  # in any message, case-insensitive
    conversation_id: str | None = None
    reason: str | None = None  # a handoff's reason
    since: datetime | None = None  # the conversation started at or after
    until: datetime | None = None  # ... and before
    handed_off_only: bool = True  # operators see only conversations that reached people
    limit: int = 50


@dataclass(frozen=True, slots=True)
class FoundConversation:
    conversation_id: str
    channel: str
    started_at: datetime
    handoff_id: str | None  # its latest handoff
    reason: str | None
    status: str | None
    operator: str | None
    snippet: str  # the first message that matched, or the first customer message


@dataclass(frozen=True, slots=True)
class DayActivity:
    """What the bot said on a day: its replies by route, its knowledge answers by what gave
    them (``faq``, ``cache``, ``quoted``, ``written``), and the customers' 👍/👎 on them."""

    replies_by_route: dict[str, int]
    answers_by_source: dict[str, int]
    helpful: int
    unhelpful: int

    @classmethod
    def of(cls, rows: Iterable[tuple[str | None, str | None, int | None, int]]) -> DayActivity:
        """From (route, answered_by, feedback, count) of the day's bot messages."""
        routes: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        ratings: Counter[int] = Counter()
        for route, answered_by, feedback, count in rows:
            if route:
                routes[route] += count
            if answered_by:
                sources[answered_by] += count
            if feedback:
                ratings[1 if feedback > 0 else -1] += count
        return cls(dict(routes), dict(sources), ratings[1], ratings[-1])


@dataclass(frozen=True, slots=True)
class DayReport:
    day: str  # YYYY-MM-DD (UTC)
    conversations: int
    handed_off: int
    handoffs_by_reason: dict[str, int]
    resolutions: dict[str, int]
    median_wait_s: float | None
    median_first_reply_s: float | None
    csat_count: int
    csat_average: float | None
    callbacks: int

    @classmethod
    def of(
        cls, start: datetime, engaged: Collection[str], handoffs: Sequence[Handoff]
    ) -> DayReport:
        """The report of the day starting at ``start``: ``engaged`` are the conversations in
        which the customer wrote that day, ``handoffs`` those opened that day."""
        waits = [(h.assigned_at - h.created_at).total_seconds() for h in handoffs if h.assigned_at]
        replies = [
            (h.first_reply_at - h.created_at).total_seconds() for h in handoffs if h.first_reply_at
        ]
        ratings = [h.csat for h in handoffs if h.csat is not None]
        handed_off = {h.conversation_id for h in handoffs}
        return cls(
            day=start.date().isoformat(),
            conversations=len(set(engaged) | handed_off),
            handed_off=len(handed_off),
            handoffs_by_reason=dict(Counter(h.reason.value for h in handoffs)),
            resolutions=dict(Counter(h.resolution.value for h in handoffs if h.resolution)),
            median_wait_s=_median(waits),
            median_first_reply_s=_median(replies),
            csat_count=len(ratings),
            csat_average=sum(ratings) / len(ratings) if ratings else None,
            callbacks=sum(1 for h in handoffs if h.resolution is Resolution.CALLBACK),
        )

    @property
    def containment(self) -> float | None:
        """Share of conversations that ended without a person."""
        if not self.conversations:
            return None
        return 1 - self.handed_off / self.conversations
