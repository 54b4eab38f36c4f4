"""The operators' Telegram group (optional): each handoff is a forum topic in the bank's
operators' supergroup; what an operator writes in the topic goes to the customer.

Membership of the supergroup is the access control (the bank runs it; the bot must be an
administrator allowed to manage topics). In the topic, ``/resolve`` closes the conversation
and ``/handback`` returns it to the bot; any other text is a reply, and the first reply takes
a queued conversation. The operator is recorded as ``tg-<user id>``.
"""

from __future__ import annotations

import contextlib
import html
import logging

from aiogram import Bot, F, Router
from aiogram.types import Message

from bot.background import Background
from bot.channels.telegram.ports import TopicMap
from bot.dialogue.models import HandoffEvent, HandoffEventKind, HandoffStatus, Role
from bot.dialogue.ports import Redactor, TextCatalog
from bot.http.errors import ApiError
from bot.operators.desk import OperatorDesk
from bot.operators.feed import EventFeed, follow
from bot.operators.ports import EventLog, HandoffQueue, Transcripts
from bot.staff.models import StaffMember, StaffRole

log = logging.getLogger(__name__)
_TOPIC_NAME_LIMIT = 128


def group_operator(message: Message) -> StaffMember | None:
    user = message.from_user
    if user is None or user.is_bot:
        return None
    return StaffMember(0, f"tg-{user.id}", user.full_name or f"tg-{user.id}", StaffRole.OPERATOR)


class OperatorsGroup:
    def __init__(
        self,
        bot: Bot,
        *,
        events: EventLog,
        queue: HandoffQueue,
        topics: TopicMap,
        messages: Transcripts,
        desk: OperatorDesk,
        feed: EventFeed,
        texts: TextCatalog,
        group_id: int,
        redactor: Redactor,
    ) -> None:
        self._bot = bot
        self._redactor = redactor
        self._events = events
        self._queue = queue
        self._topics = topics
        self._messages = messages
        self._desk = desk
        self._feed = feed
        self._texts = texts
        self.group_id = group_id
        self._follower = Background()

    # --- handoffs → topics ---------------------------------------------------------------

    async def start(self) -> None:
        if self._follower.running:
            return
        cursor = await self._events.last_event_id()
        for handoff in await self._queue.open_handoffs():  # opened while nobody mirrored
            if await self._topics.topic_of(handoff.id) is None:
                await self._open_topic(handoff.id)
        self._follower.start(
            follow(self._events, self._feed, cursor, self._mirror, "operators' group")
        )

    async def close(self) -> None:
        await self._follower.stop()

    async def _mirror(self, event: HandoffEvent) -> None:
        if event.kind is HandoffEventKind.OPENED:
            await self._open_topic(event.handoff_id)
            return
        topic = await self._topics.topic_of(event.handoff_id)
        if topic is None:
            return
        if event.kind is HandoffEventKind.MESSAGE and event.message_id:
            message = await self._messages.get_message(event.message_id)
            if message is None or event.actor.startswith("tg-"):
                return  # written in this topic: the group already shows it
            who = {
                Role.CUSTOMER: "Клиент",
                Role.BOT: "Бот",
                Role.OPERATOR: f"Оператор {message.author or ''}".strip(),
            }[message.role]
            # Telegram's cloud is outside the bank: rows stored before redaction are redacted
            # here too.
            said = await self._redactor.redact(message.text)
            text = f"<b>{html.escape(who)}:</b> {html.escape(said, quote=False)}"
            await self._post(topic, text)
            return
        handoff = await self._queue.handoff(event.handoff_id)
        if handoff is not None and handoff.status is HandoffStatus.RESOLVED:
            await self._post(topic, f"Закрыто: {handoff.resolution or '-'}")
            with contextlib.suppress(Exception):
                await self._bot.close_forum_topic(self.group_id, topic)

    async def _open_topic(self, handoff_id: str) -> None:
        handoff = await self._queue.handoff(handoff_id)
        if handoff is None or not handoff.status.open:
            return
        priority = "‼️ " if handoff.priority == "high" else ""
        name = f"{priority}№{handoff.id} · {handoff.reason.value}"[:_TOPIC_NAME_LIMIT]
        summary = await self._redactor.redact(handoff.summary)
        topic = await self._bot.create_forum_topic(self.group_id, name)
        await self._topics.set_topic(handoff.id, topic.message_thread_id)
        card = (
            f"<b>Причина:</b> {html.escape(handoff.reason.value)} "
            f"(приоритет {html.escape(handoff.priority.value)})\n"
            f"<b>Сводка:</b>\n{html.escape(summary, quote=False)}\n\n"
            "Ответ в этой теме уйдёт клиенту. /resolve — закрыть, /handback — вернуть боту."
        )
        await self._post(topic.message_thread_id, card)
        log.info("operators' group: topic for handoff=%s", handoff.id)

    async def _post(self, topic: int, text: str) -> None:
        await self._bot.send_message(self.group_id, text, message_thread_id=topic)

    # --- topics → customers --------------------------------------------------------------

    def router(self) -> Router:
        router = Router(name="operators-group")
        router.message.register(self._in_topic, F.chat.id == self.group_id, F.text)
        router.message.register(self._ignore, F.chat.id == self.group_id)
        return router

    async def _ignore(self, message: Message) -> None:
        """Anything else in the operators' group (joins, pins, media) is not for customers."""

    async def _in_topic(self, message: Message) -> None:
        operator = group_operator(message)
        topic = message.message_thread_id
        if operator is None or topic is None or not message.text:
            return
        handoff = await self._topics.handoff_by_topic(topic)
        if handoff is None:
            return
        command = message.text.strip().split("@")[0]
        try:
            if command == "/resolve":
                await self._desk.resolve(operator, handoff.id)
            elif command == "/handback":
                await self._desk.hand_back(operator, handoff.id)
            else:
                if handoff.status is HandoffStatus.QUEUED:
                    await self._desk.take(operator, handoff.id)
                await self._desk.reply(operator, handoff.id, message.text)
        except ApiError as exc:
            await self._post(topic, html.escape(exc.message))
            return
        await self._feed.poke()
