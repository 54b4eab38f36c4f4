"""The operators' Telegram group: each handoff opens a forum topic, the customer's messages
are mirrored there, an operator's reply in the topic reaches the customer, /resolve closes.

The real aiogram Bot and Dispatcher poll the Bot API double; SQLite storage; the engine with
a scripted knowledge base.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.app import build_bot, build_dispatcher
from bot.channels.telegram.delivery import TelegramDelivery
from bot.channels.telegram.operators_group import OperatorsGroup
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.models import HandoffStatus
from bot.knowledge import FakeKnowledgeBase
from bot.observability.metrics import Metrics
from bot.operators.delivery import ChannelDelivery
from bot.operators.desk import OperatorDesk
from bot.operators.feed import EventFeed
from bot.privacy.detector import PiiDetector
from bot.privacy.redactor import PiiRedactor
from bot.privacy.words import NameTagger
from bot.storage import Stores, create_engine, sql_stores, upgrade_database
from prompts import default_library
from tests.support.doubles.telegram_api import (
    SentMessage,
    TelegramDouble,
    group_message_update,
    message_update,
    running_double,
)

TOKEN = "123456:TEST-token-for-the-double"
GROUP = -1001234567890
CUSTOMER = 501


class Setup:
    def __init__(self, double: TelegramDouble, stores: Stores) -> None:
        self.double, self.stores = double, stores

    async def sent(self, where: int, count: int, within_s: float = 15) -> list[SentMessage]:
        deadline = asyncio.get_running_loop().time() + within_s
        while True:
            found = [m for m in self.double.sent if m.chat_id == where]
            if len(found) >= count:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{count} messages to {where} expected: {self.double.sent}")
            await asyncio.sleep(0.05)


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade_database(url)
    database = create_engine(url)
    stores = sql_stores(database)
    texts = default_library()
    redactor = PiiRedactor(PiiDetector(names=NameTagger()))
    engine = DialogueEngine(stores.conversations, FakeKnowledgeBase(), texts, redactor=redactor)
    chats = stores.chats
    async with running_double(TOKEN) as (double, api_base):
        double.chat_interval_s = 0.0  # the group and the chat are paced by the bot's throttle
        bot = build_bot(TOKEN, api_base)
        delivery = ChannelDelivery()
        delivery.register("telegram", TelegramDelivery(bot, chats))
        desk = OperatorDesk(
            stores.queue, stores.conversations, stores.staff_accounts, texts, delivery, Metrics()
        )
        feed = EventFeed(stores.events, poll_s=0.1)
        group = OperatorsGroup(
            bot,
            events=stores.events,
            queue=stores.queue,
            topics=stores.topics,
            messages=stores.conversations,
            desk=desk,
            feed=feed,
            texts=texts,
            group_id=GROUP,
            redactor=redactor,
        )
        dispatcher = build_dispatcher(engine, chats, texts, operators_group=group)
        await feed.start()
        await group.start()
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
        )
        yield Setup(double, stores)
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError, RuntimeError):
            await asyncio.wait_for(polling, 10)
        await group.close()
        await feed.close()
        await bot.session.close()
    await database.dispose()


async def test_a_handoff_becomes_a_topic_and_the_operator_answers_from_it(setup: Setup) -> None:
    double = setup.double
    double.push(message_update(1, CUSTOMER, text="позовите оператора"))
    await setup.sent(CUSTOMER, 1)
    card = (await setup.sent(GROUP, 1))[0]
    [(thread, topic)] = double.topics.items()
    assert topic["chat_id"] == GROUP and "customer_request" in topic["name"]
    assert card.message_thread_id == thread and "позовите оператора" in card.text

    double.push(message_update(2, CUSTOMER, text="перевод не дошёл <b>срочно</b>"))
    mirrored = (await setup.sent(GROUP, 2))[-1]
    assert mirrored.message_thread_id == thread
    assert "Клиент" in mirrored.text and "&lt;b&gt;срочно&lt;/b&gt;" in mirrored.text

    double.push(group_message_update(3, GROUP, thread, "Здравствуйте, проверю перевод"))
    to_customer = await setup.sent(CUSTOMER, 4)  # handoff, holding reply, joined, the reply
    assert "Ольга" in to_customer[-2].text, "the customer is told who joined"
    assert to_customer[-1].text == "<b>Ольга</b>\nЗдравствуйте, проверю перевод"
    conversation = await setup.stores.chats.conversation_of(CUSTOMER)
    assert conversation is not None
    handoff = await setup.stores.conversations.current_handoff(conversation)
    assert handoff is not None and handoff.status is HandoffStatus.ACTIVE
    assert handoff.operator == "tg-900"

    count = len([m for m in double.sent if m.chat_id == CUSTOMER])
    double.push(
        message_update(
            4, CUSTOMER, text="спасибо, жду. карта 4276 3801 2345 6787, паспорт 45 12 345678"
        )
    )
    mirrored = await setup.sent(GROUP, 3)
    assert "спасибо, жду" in mirrored[-1].text
    assert "[карта ••6787]" in mirrored[-1].text and "[паспорт]" in mirrored[-1].text
    assert "3801 2345" not in str(double.sent) and "12 345678" not in str(double.sent), (
        "no card or passport number reaches Telegram's cloud"
    )
    assert len([m for m in double.sent if m.chat_id == CUSTOMER]) == count, "the bot is silent"

    double.push(group_message_update(5, GROUP, thread, "/resolve"))
    rating = (await setup.sent(CUSTOMER, count + 1))[-1]
    assert rating.reply_markup is not None
    buttons = [b["callback_data"] for row in rating.reply_markup["inline_keyboard"] for b in row]
    assert buttons == [f"/csat_{n}" for n in range(1, 6)]
    for _ in range(100):
        if double.topics[thread]["closed"]:
            break
        await asyncio.sleep(0.05)
    assert double.topics[thread]["closed"]


async def test_group_chatter_never_reaches_customers_or_the_bot(setup: Setup) -> None:
    double = setup.double
    double.push(group_message_update(1, GROUP, 4242, "кто-нибудь видел отчёт?"))
    double.push(message_update(2, GROUP, text="/start", chat={"id": GROUP, "type": "supergroup"}))
    await asyncio.sleep(1.5)
    assert double.sent == [], "no reply in the group, nothing to customers"
