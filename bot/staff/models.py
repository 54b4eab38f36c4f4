"""Who works behind the bot: operators, supervisors and the content team's editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class StaffRole(StrEnum):
    OPERATOR = "operator"  # takes handed-off conversations in the console
    SUPERVISOR = "supervisor"  # an operator who sees everyone's and reassigns
    EDITOR = "editor"  # the content team: the knowledge base's /admin, not the console


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    name: str  # the login
    display_name: str  # what a customer sees of an operator («Анна»)
    role: StaffRole
    active: bool = True

    @property
    def supervisor(self) -> bool:
        return self.role is StaffRole.SUPERVISOR


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login is checked against; never leaves ``bot.staff`` and storage."""

    member: StaffMember
    password_hash: str
    failed_logins: int
    locked_until: datetime | None
