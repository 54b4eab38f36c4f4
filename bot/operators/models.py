"""The operators' vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class OperatorRole(StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    EDITOR = "editor"  # the content team: the knowledge base's /admin, not the console


@dataclass(frozen=True, slots=True)
class Operator:
    id: int
    name: str  # the login
    display_name: str  # what the customer sees («Анна»)
    role: OperatorRole
    active: bool = True

    @property
    def supervisor(self) -> bool:
        return self.role is OperatorRole.SUPERVISOR


@dataclass(frozen=True, slots=True)
class Credentials:
    operator: Operator
    password_hash: str
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class ConversationInfo:
    """What the console shows about the conversation of a handoff."""

    channel: str
    customer_id: str | None
    authenticated: bool


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

    @property
    def containment(self) -> float | None:
        """Share of conversations that ended without a person."""
        if not self.conversations:
            return None
        return 1 - self.handed_off / self.conversations
