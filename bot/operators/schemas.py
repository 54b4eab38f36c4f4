"""The console's JSON shapes (the contract the console page is written against)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.dialogue.models import AuditEntry, Passage, StoredMessage
from bot.http.fields import visible_text
from bot.operators.dashboard import Day, Period
from bot.operators.desk import HandoffDetail, HandoffView
from bot.operators.inbox import Rendered, Transcript


class AssignIn(BaseModel):
    operator: str = Field(min_length=1, max_length=64)


class CustomerOut(BaseModel):
    authenticated: bool
    name: str | None = None
    customer_id: str | None = None
    phone: str | None = None
    cards: list[str] = []


class HandoffOut(BaseModel):
    id: int
    conversation_id: str
    channel: str
    reason: str
    priority: str
    status: str
    operator: str | None
    operator_display: str | None
    created_at: datetime
    waiting_s: float
    summary: str
    summary_source: str
    customer: CustomerOut
    resolution: str | None
    csat: int | None

    @classmethod
    def of(cls, view: HandoffView) -> HandoffOut:
        h = view.handoff
        end = h.assigned_at or h.resolved_at or datetime.now(UTC)
        return cls(
            id=int(h.id),
            conversation_id=h.conversation_id,
            channel=view.channel,
            reason=h.reason.value,
            priority=h.priority.value,
            status=h.status.value,
            operator=h.operator,
            operator_display=view.operator_display,
            created_at=h.created_at,
            waiting_s=round(max(0.0, (end - h.created_at).total_seconds()), 1),
            summary=h.summary,
            summary_source=h.summary_source.value,
            customer=CustomerOut(authenticated=view.authenticated),
            resolution=h.resolution.value if h.resolution else None,
            csat=h.csat,
        )


class ConsoleMessageOut(BaseModel):
    """A stored message of the conversation, as the console shows it (numbers masked)."""

    id: str
    role: str
    text: str
    author: str | None
    created_at: datetime

    @classmethod
    def of(cls, message: StoredMessage) -> ConsoleMessageOut:
        return cls(
            id=message.id,
            role=message.role.value,
            text=message.text,
            author=message.author,
            created_at=message.created_at,
        )


class PassageOut(BaseModel):
    doc_id: str
    title: str
    section: str | None
    text: str

    @classmethod
    def of(cls, passage: Passage) -> PassageOut:
        return cls(
            doc_id=passage.doc_id, title=passage.title, section=passage.section, text=passage.text
        )


class CoreCallOut(BaseModel):
    """A call the bot made to the core systems in this conversation (the audit log)."""

    action: str
    outcome: str
    at: datetime | None

    @classmethod
    def of(cls, entry: AuditEntry) -> CoreCallOut:
        return cls(action=entry.action, outcome=entry.outcome, at=entry.at)


class HandoffDetailOut(HandoffOut):
    messages: list[ConsoleMessageOut]
    passages: list[PassageOut]
    actions: list[CoreCallOut]

    @classmethod
    def of_detail(cls, detail: HandoffDetail) -> HandoffDetailOut:
        base = HandoffOut.of(detail.view).model_dump()
        profile = detail.profile
        base["customer"] = CustomerOut(
            authenticated=detail.view.authenticated,
            customer_id=detail.customer_id,
            name=profile.name if profile else None,
            phone=profile.phone if profile else None,
            cards=list(profile.cards) if profile else [],
        )
        return cls(
            **base,
            messages=[ConsoleMessageOut.of(m) for m in detail.messages],
            passages=[PassageOut.of(p) for p in detail.view.handoff.passages],
            actions=[CoreCallOut.of(a) for a in detail.actions],
        )


class QueueOut(BaseModel):
    handoffs: list[HandoffOut]


class OperatorOut(BaseModel):
    name: str
    display_name: str
    role: str
    open_handoffs: int
    online: bool
    away: bool = False


class OperatorsOut(BaseModel):
    operators: list[OperatorOut]


class PassagesOut(BaseModel):
    passages: list[PassageOut]


class ReplyOut(BaseModel):
    message: ConsoleMessageOut


class DashboardDayOut(BaseModel):
    """One day's figures (UTC); a figure of no event is null."""

    day: str
    conversations: int
    handed_off: int
    containment: float | None = Field(description="Share of conversations no person joined.")
    replies_by_route: dict[str, int]
    answers_by_source: dict[str, int] = Field(
        description="Knowledge answers by what gave them: faq, cache, quoted, written."
    )
    without_model: float | None = Field(description="Share of answers from the FAQ or cache.")
    handoffs_by_reason: dict[str, int]
    median_wait_s: float | None
    median_first_reply_s: float | None
    csat_average: float | None
    csat_count: int
    helpful: int
    unhelpful: int

    @classmethod
    def of(cls, day: Day) -> DashboardDayOut:
        r, a = day.report, day.activity
        return cls(
            day=r.day,
            conversations=r.conversations,
            handed_off=r.handed_off,
            containment=r.containment,
            replies_by_route=a.replies_by_route,
            answers_by_source=a.answers_by_source,
            without_model=day.without_model,
            handoffs_by_reason=r.handoffs_by_reason,
            median_wait_s=r.median_wait_s,
            median_first_reply_s=r.median_first_reply_s,
            csat_average=r.csat_average,
            csat_count=r.csat_count,
            helpful=a.helpful,
            unhelpful=a.unhelpful,
        )


class TopicOut(BaseModel):
    example: str = Field(description="A question of the group, with personal data masked.")
    count: int


class DashboardOut(BaseModel):
    first: str
    last: str
    days: list[DashboardDayOut]
    unanswered: list[TopicOut] = Field(description="The largest groups of unanswered questions.")

    @classmethod
    def of(cls, period: Period) -> DashboardOut:
        return cls(
            first=period.first.isoformat(),
            last=period.last.isoformat(),
            days=[DashboardDayOut.of(d) for d in period.days],
            unanswered=[TopicOut(example=e, count=n) for e, n in period.topics],
        )


class CannedIn(BaseModel):
    """A canned response, as a supervisor writes it."""

    shortcut: str = Field(
        pattern=r"^/?[^\W_][\w-]{0,31}$", description="One word, typed after / in the reply."
    )
    lang: Literal["ru", "en"]
    title: str = visible_text(120, "What operators see in the list.")
    text: str = visible_text(
        4000, "The reply; {first_name} and {operator} are filled in on use, no other {…}."
    )


class CannedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    shortcut: str
    lang: str
    title: str
    text: str
    updated_by: str
    updated_at: datetime


class CannedListOut(BaseModel):
    canned: list[CannedOut]


class RenderedOut(BaseModel):
    id: str
    shortcut: str
    lang: str
    title: str
    text: str = Field(description="Filled in for this customer and operator.")


class RenderedListOut(BaseModel):
    canned: list[RenderedOut]

    @classmethod
    def of(cls, rendered: list[Rendered]) -> RenderedListOut:
        return cls(
            canned=[
                RenderedOut(
                    id=r.canned.id,
                    shortcut=r.canned.shortcut,
                    lang=r.canned.lang,
                    title=r.canned.title,
                    text=r.text,
                )
                for r in rendered
            ]
        )


class NoteIn(BaseModel):
    text: str = visible_text(2000, "A note for colleagues; the customer never sees it.")


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    author: str
    author_name: str
    text: str
    created_at: datetime


class NotesOut(BaseModel):
    notes: list[NoteOut]


class FoundOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    conversation_id: str
    channel: str
    started_at: datetime
    handoff_id: str | None
    reason: str | None
    status: str | None
    operator: str | None
    snippet: str = Field(description="Masked: card and account numbers, phones, e-mail.")


class SearchOut(BaseModel):
    conversations: list[FoundOut]


class TranscriptOut(BaseModel):
    conversation_id: str
    channel: str
    started_at: datetime
    messages: list[ConsoleMessageOut]

    @classmethod
    def of(cls, transcript: Transcript) -> TranscriptOut:
        c = transcript.conversation
        return cls(
            conversation_id=c.id,
            channel=c.channel.value,
            started_at=c.created_at,
            messages=[ConsoleMessageOut.of(m) for m in transcript.messages],
        )
