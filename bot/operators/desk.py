"""The operator's desk: the queue, taking a conversation, replying, handing back, resolving.

Every operation checks who is asking: an operator sees the queue and their own
conversations; a supervisor sees everything and can reassign. Each state change is a
compare-and-set in the store, so two people acting at once cannot both win.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.banking import CustomerProfile
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
from bot.observability.metrics import Metrics
from bot.operators.delivery import ButtonRows, ChannelDelivery
from bot.operators.errors import AlreadyTaken, Conflict, Forbidden, InvalidInput, NotFound
from bot.operators.models import Operator, OperatorRole
from bot.storage.operators import SqlOperatorStore
from bot.storage.store import SqlConversationStore

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000
Profiles = Callable[[str], Awaitable[CustomerProfile | None]]
Search = Callable[[str, int], Awaitable[list[Passage]]]


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
        store: SqlOperatorStore,
        conversations: SqlConversationStore,
        texts: TextCatalog,
        delivery: ChannelDelivery,
        metrics: Metrics,
        *,
        profiles: Profiles | None = None,
        search: Search | None = None,
        default_language: Lang = "ru",
    ) -> None:
        self._store = store
        self._conversations = conversations
        self._texts = texts
        self._delivery = delivery
        self._metrics = metrics
        self._profiles = profiles
        self._search = search
        self._default_language: Lang = default_language

    @property
    def delivery(self) -> ChannelDelivery:
        """Where channels register how to reach their customers."""
        return self._delivery

    # --- reading ---------------------------------------------------------------------------

    @staticmethod
    def visible(operator: Operator, handoff: Handoff) -> bool:
        if operator.supervisor:
            return True
        return handoff.status is HandoffStatus.QUEUED or handoff.operator == operator.name

    async def queue(self, operator: Operator) -> list[HandoffView]:
        handoffs = [h for h in await self._store.open_handoffs() if self.visible(operator, h)]
        handoffs.sort(key=lambda h: (h.priority is not Priority.HIGH, h.created_at))
        names = await self._display_names()
        return [await self._view(h, names) for h in handoffs]

    async def view(self, operator: Operator, handoff_id: str) -> HandoffView:
        handoff = await self._visible(operator, handoff_id)
        return await self._view(handoff, await self._display_names())

    async def detail(self, operator: Operator, handoff_id: str) -> HandoffDetail:
        handoff = await self._visible(operator, handoff_id)
        view = await self._view(handoff, await self._display_names())
        messages = await self._conversations.list_messages(handoff.conversation_id)
        masked = [_masked(m) for m in messages]
        actions = await self._conversations.list_audit(
            conversation_id=handoff.conversation_id, limit=50
        )
        info = await self._store.conversation_info(handoff.conversation_id)
        customer_id = info.customer_id if info and info.authenticated else None
        profile = None
        if customer_id and self._profiles is not None:
            profile = await self._profiles(customer_id)
            log.info(  # who looked at whose identity: ids only
                "customer identity shown handoff=%s operator=%s", handoff_id, operator.name
            )
        return HandoffDetail(view, masked, actions, customer_id, profile)

    async def message(self, operator: Operator, handoff_id: str, message_id: str) -> StoredMessage:
        """A message of a handoff's conversation, as an event refers to it."""
        handoff = await self._visible(operator, handoff_id)
        found = await self._store.message(message_id)
        if found is None or found.conversation_id != handoff.conversation_id:
            raise NotFound("no such message")
        return _masked(found)

    async def operators(self, operator: Operator) -> list[tuple[Operator, int]]:
        self._require_supervisor(operator)
        handoffs = await self._store.open_handoffs()
        return [
            (o, sum(1 for h in handoffs if h.operator == o.name and h.status.owned))
            for o in await self._store.list_operators()
        ]

    async def search(self, operator: Operator, query: str) -> list[Passage]:
        query = query.strip()
        if not query or len(query) > 500:
            raise InvalidInput("the search needs 1-500 characters")
        if self._search is None:
            return []
        return await self._search(query, 5)

    # --- acting ----------------------------------------------------------------------------

    async def take(self, operator: Operator, handoff_id: str) -> HandoffView:
        await self._visible(operator, handoff_id)
        taken = await self._store.take(handoff_id, operator.name)
        if taken is None:
            raise AlreadyTaken("another operator has already taken this conversation")
        assert taken.assigned_at is not None
        self._metrics.wait_seconds.observe((taken.assigned_at - taken.created_at).total_seconds())
        log.info("handoff taken handoff=%s operator=%s", handoff_id, operator.name)
        await self._notice(taken, "operator_joined", operator.name, name=operator.display_name)
        return await self._view(taken, await self._display_names())

    async def reply(self, operator: Operator, handoff_id: str, text: str) -> StoredMessage:
        handoff = await self._visible(operator, handoff_id)
        text = text.strip()
        if not text:
            raise InvalidInput("the reply is empty")
        if len(text) > MAX_REPLY_CHARS:
            raise InvalidInput(f"the reply is longer than {MAX_REPLY_CHARS} characters")
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
        info = await self._store.conversation_info(handoff.conversation_id)
        await self._delivery.deliver(info.channel if info else "", message)
        return message

    async def hand_back(self, operator: Operator, handoff_id: str) -> HandoffView:
        return await self._close(operator, handoff_id, Resolution.HANDED_BACK)

    async def resolve(self, operator: Operator, handoff_id: str) -> HandoffView:
        return await self._close(operator, handoff_id, Resolution.RESOLVED)

    async def assign(self, operator: Operator, handoff_id: str, to: str) -> HandoffView:
        self._require_supervisor(operator)
        target = await self._store.operator(to)
        if target is None or not target.active:
            raise NotFound(f"no active operator {to!r}")
        assigned = await self._store.assign(handoff_id, target.name, operator.name)
        if assigned is None:
            raise Conflict("this conversation is no longer open")
        log.info("handoff assigned handoff=%s to=%s by=%s", handoff_id, to, operator.name)
        return await self._view(assigned, await self._display_names())

    async def _close(
        self, operator: Operator, handoff_id: str, resolution: Resolution
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
        info = await self._store.conversation_info(handoff.conversation_id)
        await self._delivery.deliver(info.channel if info else "", message, buttons)

    async def _language(self, conversation_id: str) -> Lang:
        conversation = await self._conversations.get_conversation(conversation_id)
        if conversation is not None and conversation.lang:
            return conversation.lang
        messages = await self._conversations.list_messages(conversation_id, limit=10)
        said = " ".join(m.text for m in messages if m.role is Role.CUSTOMER)
        return detect_language(said, self._default_language)

    async def _visible(self, operator: Operator, handoff_id: str) -> Handoff:
        handoff = await self._store.handoff(handoff_id)
        if handoff is None:
            raise NotFound("no such conversation in the queue")
        if not self.visible(operator, handoff):
            raise Forbidden("this conversation belongs to another operator")
        return handoff

    @staticmethod
    def _require_supervisor(operator: Operator) -> None:
        if operator.role is not OperatorRole.SUPERVISOR:
            raise Forbidden("only a supervisor can do this")

    async def _display_names(self) -> dict[str, str]:
        return {o.name: o.display_name for o in await self._store.list_operators()}

    async def _view(self, handoff: Handoff, names: dict[str, str]) -> HandoffView:
        info = await self._store.conversation_info(handoff.conversation_id)
        return HandoffView(
            handoff,
            info.channel if info else "unknown",
            bool(info and info.authenticated),
            names.get(handoff.operator) if handoff.operator else None,
        )


def _masked(message: StoredMessage) -> StoredMessage:
    return replace(message, text=mask_numbers(message.text))
