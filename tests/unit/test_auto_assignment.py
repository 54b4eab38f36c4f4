"""Automatic assignment: round robin among operators online and not away, the most urgent
handoff first; one taken by hand meanwhile is skipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.dialogue.models import Handoff, HandoffReason, HandoffStatus, Priority, SummarySource
from bot.operators.assignment import AutoAssigner
from bot.operators.errors import AlreadyTaken
from bot.operators.presence import MemoryPresence
from bot.staff.models import StaffMember, StaffRole

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def handoff(n: int, priority: Priority = Priority.NORMAL) -> Handoff:
    return Handoff(
        id=str(n),
        conversation_id=f"c{n}",
        reason=HandoffReason.CUSTOMER_REQUEST,
        priority=priority,
        status=HandoffStatus.QUEUED,
        summary="",
        summary_source=SummarySource.EXTRACTIVE,
        created_at=T0 + timedelta(minutes=n),
    )


class Queue:
    def __init__(self, handoffs: list[Handoff]) -> None:
        self.handoffs = handoffs

    async def open_handoffs(self) -> list[Handoff]:
        return [h for h in self.handoffs if h.status is HandoffStatus.QUEUED]


class Staff:
    def __init__(self, *members: StaffMember) -> None:
        self.members = list(members)

    async def list_members(self) -> list[StaffMember]:
        return self.members


class Desk:
    def __init__(self, queue: Queue, taken_by_hand: frozenset[str] = frozenset()) -> None:
        self.queue = queue
        self.given: list[tuple[str, str]] = []
        self.taken_by_hand = taken_by_hand

    async def take(self, member: StaffMember, handoff_id: str) -> None:
        if handoff_id in self.taken_by_hand:
            raise AlreadyTaken("another operator has already taken this conversation")
        self.given.append((handoff_id, member.name))
        self.queue.handoffs = [
            replace(h, status=HandoffStatus.ASSIGNED) if h.id == handoff_id else h
            for h in self.queue.handoffs
        ]


ANNA = StaffMember(1, "anna", "Анна", StaffRole.OPERATOR)
BORIS = StaffMember(2, "boris", "Борис", StaffRole.OPERATOR)
VERA = StaffMember(3, "vera", "Вера", StaffRole.OPERATOR)
SVETA = StaffMember(4, "sveta", "Светлана", StaffRole.SUPERVISOR)


async def online(presence: MemoryPresence, *logins: str) -> list[object]:
    contexts = [presence.present(login) for login in logins]
    for context in contexts:
        await context.__aenter__()
    return contexts


async def test_turns_go_round_among_those_online_and_not_away_urgent_first() -> None:
    queue = Queue([handoff(1), handoff(2), handoff(3, Priority.HIGH), handoff(4), handoff(5)])
    presence = MemoryPresence()
    await online(presence, "anna", "boris", "vera", "sveta")
    await presence.set_away("vera", True)
    desk = Desk(queue)
    assigner = AutoAssigner(queue, Staff(ANNA, BORIS, VERA, SVETA), presence, desk)  # type: ignore[arg-type]
    assert await assigner.assign_waiting() == 5
    assert desk.given == [
        ("3", "anna"),
        ("1", "boris"),
        ("2", "anna"),
        ("4", "boris"),
        ("5", "anna"),
    ]


async def test_the_turn_carries_on_from_the_last_one_given() -> None:
    presence = MemoryPresence()
    await online(presence, "anna", "boris")
    first = Desk(Queue([handoff(1)]))
    assigner = AutoAssigner(first.queue, Staff(ANNA, BORIS), presence, first)  # type: ignore[arg-type]
    await assigner.assign_waiting()
    second = Desk(Queue([handoff(2)]))
    assigner._desk = second  # type: ignore[assignment]
    assigner._store = second.queue  # type: ignore[assignment]
    await assigner.assign_waiting()
    assert first.given + second.given == [("1", "anna"), ("2", "boris")]


async def test_nobody_available_or_taken_by_hand() -> None:
    presence = MemoryPresence()
    queue = Queue([handoff(1), handoff(2)])
    nobody = Desk(queue)
    assert await AutoAssigner(queue, Staff(ANNA, SVETA), presence, nobody).assign_waiting() == 0  # type: ignore[arg-type]
    await online(presence, "sveta")  # supervisors are not given conversations
    assert await AutoAssigner(queue, Staff(ANNA, SVETA), presence, nobody).assign_waiting() == 0  # type: ignore[arg-type]
    await online(presence, "anna")
    raced = Desk(queue, taken_by_hand=frozenset({"1"}))
    assert await AutoAssigner(queue, Staff(ANNA), presence, raced).assign_waiting() == 1  # type: ignore[arg-type]
    assert raced.given == [("2", "anna")]
