"""The operator's desk: the queue, taking a conversation, replying, handing back, resolving.

Every operation checks who is asking: an operator sees the queue and their own
conversations; a supervisor sees everything and can reassign. Each state change is a
compare-and-set in the store, so two people acting at once cannot both win.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.dialogue.errors import KnowledgeUnavailable
from bot.dialogue.language import detect_language
from bot.dialogue.masking import mask_numbers
from bot.dialogue.models import (
    AuditEntry,
    Button,
    Handoff,
    HandoffStatus,
    Lang,
    Passage,
    Priority,
    Resolution,
    Role,
    StoredMessage,
)
from bot.dialogue.ports import TextCatalog
from bot.http.errors import Conflict, Forbidden, InvalidInput, NotFound, Unavailable
from bot.observability.metrics import Metrics
from bot.operators.delivery import ButtonRows, ChannelDelivery
from bot.operators.errors import AlreadyTaken
from bot.operators.models import CustomerProfile
from bot.operators.ports import CustomerProfiles, HandoffQueue, KnowledgeSearch, Transcripts
from bot.staff.models import StaffMember, StaffRole
from bot.staff.ports import StaffAccounts

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HandoffView:
    handoff: Handoff
    channel: str
    authenticated: bool
    operator_display: str | None


@dataclass(frozen=True, slots=True)
class HandoffDetail:
    view: HandoffView
    messages: list[StoredMessage]  # card and account numbers masked
    actions: list[AuditEntry]
    customer_id: str | None
    profile: CustomerProfile | None


def csat_buttons() -> ButtonRows:
    return (tuple(Button(str(n), f"/csat_{n}") for n in range(1, 6)),)


class OperatorDesk:
    def __init__(
        self,
        store: HandoffQueue,
        conversations: Transcripts,
        staff: StaffAccounts,
        texts: TextCatalog,
        delivery: ChannelDelivery,
        metrics: Metrics,
        *,
        profiles: CustomerProfiles | None = None,
        search: KnowledgeSearch | None = None,
        default_language: Lang = "ru",
        max_reply_chars: int = 4000,
    ) -> None:
        self._store = store
        self._conversations = conversations
        self._staff = staff
        self._texts = texts
        self._delivery = delivery
        self._metrics = metrics
        self._profiles = profiles
        self._search = search
        self._default_language: Lang = default_language
        self._max_reply_chars = max_reply_chars

    @property
    def max_reply_chars(self) -> int:
        return self._max_reply_chars

    @property
    def delivery(self) -> ChannelDelivery:
        """Where channels register how to reach their customers."""
        return self._delivery

    # --- reading ---------------------------------------------------------------------------

    @staticmethod
    def visible(operator: StaffMember, handoff: Handoff) -> bool:
        if operator.supervisor:
            return True
        return handoff.status is HandoffStatus.QUEUED or handoff.operator == operator.name

    async def queue(self, operator: StaffMember) -> list[HandoffView]:
        handoffs = [h for h in await self._store.open_handoffs() if self.visible(operator, h)]
        handoffs.sort(key=lambda h: (h.priority is not Priority.HIGH, h.created_at))
        names = await self._display_names()
        return [await self._view(h, names) for h in handoffs]

    async def view(self, operator: StaffMember, handoff_id: str) -> HandoffView:
        handoff = await self._visible(operator, handoff_id)
        return await self._view(handoff, await self._display_names())

    async def detail(self, operator: StaffMember, handoff_id: str) -> HandoffDetail:
        handoff = await self._visible(operator, handoff_id)
        view = await self._view(handoff, await self._display_names())
        messages = await self._conversations.list_messages(handoff.conversation_id)
        masked = [_masked(m) for m in messages]
        actions = await self._conversations.list_audit(
            conversation_id=handoff.conversation_id, limit=50
        )
        conversation = await self._conversations.get_conversation(handoff.conversation_id)
        customer_id = conversation.customer_at(datetime.now(UTC)) if conversation else None
        profile = None
        if customer_id and self._profiles is not None:
            profile = await self._profiles.profile(customer_id)
            log.info(  # who looked at whose identity: ids only
                "customer identity shown handoff=%s operator=%s", handoff_id, operator.name
            )
        return HandoffDetail(view, masked, actions, customer_id, profile)

    async def message(
        self, operator: StaffMember, handoff_id: str, message_id: str
    ) -> StoredMessage:
        """A message of a handoff's conversation, as an event refers to it."""
        handoff = await self._visible(operator, handoff_id)
        found = await self._conversations.get_message(message_id)
        if found is None or found.conversation_id != handoff.conversation_id:
            raise NotFound("no such message")
        return _masked(found)

    async def operators(self, operator: StaffMember) -> list[tuple[StaffMember, int]]:
        """The console's people (operators and supervisors) and how many conversations each
        owns now."""
        self._require_supervisor(operator)
        handoffs = await self._store.open_handoffs()
        return [
            (o, sum(1 for h in handoffs if h.operator == o.name and h.status.owned))
            for o in await self._staff.list_members()
            if o.role is not StaffRole.EDITOR
        ]

    async def search(self, operator: StaffMember, query: str) -> list[Passage]:
        query = query.strip()
        if not query or len(query) > 500:
            raise InvalidInput("the search needs 1-500 characters")
        if self._search is None:
            return []
        try:
            return await self._search.search(query, 5)
        except KnowledgeUnavailable:
            raise Unavailable("the knowledge base cannot be searched right now") from None

    # --- acting ----------------------------------------------------------------------------

    async def take(self, operator: StaffMember, handoff_id: str) -> HandoffView:
        await self._visible(operator, handoff_id)
        taken = await self._store.take(handoff_id, operator.name)
        if taken is None:
            raise AlreadyTaken("another operator has already taken this conversation")
        assert taken.assigned_at is not None
        self._metrics.wait_seconds.observe((taken.assigned_at - taken.created_at).total_seconds())
        log.info("handoff taken handoff=%s operator=%s", handoff_id, operator.name)
        await self._notice(taken, "operator_joined", operator.name, name=operator.display_name)
        return await self._view(taken, await self._display_names())

    async def reply(self, operator: StaffMember, handoff_id: str, text: str) -> StoredMessage:
        handoff = await self._visible(operator, handoff_id)
        text = text.strip()
        if not text:
            raise InvalidInput("the reply is empty")
        if len(text) > self._max_reply_chars:
            raise InvalidInput(f"the reply is longer than {self._max_reply_chars} characters")
        if handoff.operator != operator.name:
            raise Forbidden("this conversation belongs to another operator; take it first")
        stored = await self._store.add_operator_message(
            handoff_id, operator.name, operator.display_name, text
        )
        if stored is None:
            raise Conflict("this conversation is no longer open")
        updated, message = stored
        if handoff.first_reply_at is None and updated.first_reply_at is not None:
            seconds = (updated.first_reply_at - updated.created_at).total_seconds()
            self._metrics.first_reply_seconds.observe(seconds)
        await self._delivery.deliver(await self._channel(handoff.conversation_id), message)
        return message

    async def hand_back(self, operator: StaffMember, handoff_id: str) -> HandoffView:
        return await self._close(operator, handoff_id, Resolution.HANDED_BACK)

    async def resolve(self, operator: StaffMember, handoff_id: str) -> HandoffView:
        return await self._close(operator, handoff_id, Resolution.RESOLVED)

    async def assign(self, operator: StaffMember, handoff_id: str, to: str) -> HandoffView:
        self._require_supervisor(operator)
        target = await self._staff.member(to)
        if target is None or not target.active or target.role is StaffRole.EDITOR:
            raise NotFound(f"no active operator {to!r}")
        assigned = await self._store.assign(handoff_id, target.name, operator.name)
        if assigned is None:
            raise Conflict("this conversation is no longer open")
        log.info("handoff assigned handoff=%s to=%s by=%s", handoff_id, to, operator.name)
        return await self._view(assigned, await self._display_names())

    async def _close(
        self, operator: StaffMember, handoff_id: str, resolution: Resolution
    ) -> HandoffView:
        handoff = await self._visible(operator, handoff_id)
        if not operator.supervisor and handoff.operator != operator.name:
            raise Forbidden("this conversation belongs to another operator")
        owner = None if operator.supervisor else operator.name
        closed = await self._store.resolve(handoff_id, resolution, operator.name, owner=owner)
        if closed is None:
            raise Conflict("only a conversation an operator has taken can be closed")
        self._metrics.resolved.labels(resolution.value).inc()
        log.info("handoff %s handoff=%s operator=%s", resolution, handoff_id, operator.name)
        name = "operator_resolved" if resolution is Resolution.RESOLVED else "operator_handed_back"
        await self._notice(closed, name, operator.name, buttons=csat_buttons())
        return await self._view(closed, await self._display_names())

    # --- helpers ---------------------------------------------------------------------------

    async def notify(
        self, handoff: Handoff, template: str, actor: str, *, commands: tuple[str, ...] = ()
    ) -> None:
        """A bot notice to the customer outside a turn (the queue timeout), with buttons for
        ``commands`` titled in the customer's language."""
        await self._notice(handoff, template, actor, commands=commands)

    async def _notice(
        self,
        handoff: Handoff,
        template: str,
        actor: str,
        *,
        buttons: ButtonRows = (),
        commands: tuple[str, ...] = (),
        **values: object,
    ) -> None:
        lang = await self._language(handoff.conversation_id)
        text = self._texts.render(template, lang, **values)
        for command in commands:
            title = self._texts.render(f"button_{command}", lang)
            buttons = (*buttons, (Button(title, f"/{command}"),))
        flat = [button for row in buttons for button in row]
        message = await self._store.add_bot_notice(handoff, text, actor, flat)
        await self._delivery.deliver(await self._channel(handoff.conversation_id), message, buttons)

    async def _language(self, conversation_id: str) -> Lang:
        conversation = await self._conversations.get_conversation(conversation_id)
        if conversation is not None and conversation.lang:
            return conversation.lang
        messages = await self._conversations.list_messages(conversation_id, limit=10)
        said = " ".join(m.text for m in messages if m.role is Role.CUSTOMER)
        return detect_language(said, self._default_language)

    async def _visible(self, operator: StaffMember, handoff_id: str) -> Handoff:
        handoff = await self._store.handoff(handoff_id)
        if handoff is None:
            raise NotFound("no such conversation in the queue")
        if not self.visible(operator, handoff):
            raise Forbidden("this conversation belongs to another operator")
        return handoff

    @staticmethod
    def _require_supervisor(operator: StaffMember) -> None:
        if operator.role is not StaffRole.SUPERVISOR:
            raise Forbidden("only a supervisor can do this")

    async def _display_names(self) -> dict[str, str]:
        return {o.name: o.display_name for o in await self._staff.list_members()}

    async def _channel(self, conversation_id: str) -> str:
        conversation = await self._conversations.get_conversation(conversation_id)
        return conversation.channel.value if conversation else ""

    async def _view(self, handoff: Handoff, names: dict[str, str]) -> HandoffView:
        conversation = await self._conversations.get_conversation(handoff.conversation_id)
        return HandoffView(
            handoff,
            conversation.channel.value if conversation else "unknown",
            bool(conversation and conversation.customer_at(datetime.now(UTC))),
            names.get(handoff.operator) if handoff.operator else None,
        )


def _masked(message: StoredMessage) -> StoredMessage:
    return replace(message, text=mask_numbers(message.text))
