"""Logging in from Telegram: the «Поделиться номером» contact, the one-time code from the
sandbox ABS (a separate process over HTTP), then account data, through the real aiogram stack
and the Bot API double."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.banking import BankAuthenticator, RasaAccountActions
from bot.channels.telegram.app import build_bot, build_dispatcher
from bot.dialogue.engine import ChannelRates, DialogueEngine, EnginePolicy, Rate
from bot.knowledge import FakeKnowledgeBase
from bot.storage import create_engine, sql_stores, upgrade_database
from integrations.core_banking import CoreBankingClient, CoreBankingConfig
from prompts import default_library
from tests.support.doubles.telegram_api import (
    TelegramDouble,
    callback_update,
    message_update,
    running_double,
)
from tests.support.servers import SANDBOX_TOKEN

TOKEN = "424242:LOGIN-test-token"


@pytest.fixture(scope="module")
def sandbox_flags() -> tuple[str, ...]:
    return ("--otp-resend-s", "0")


async def wait_sent(double: TelegramDouble, count: int) -> None:
    for _ in range(300):
        if len(double.sent) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} messages, got {[m.text for m in double.sent]}")


async def test_contact_code_then_balance_and_a_confirmed_block(
    sandbox: str, tmp_path: Path
) -> None:
    async with running_double(TOKEN) as (double, api_base):
        await _login_flow(double, api_base, sandbox, tmp_path)


async def _login_flow(double: TelegramDouble, api_base: str, sandbox: str, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade_database(url)
    database = create_engine(url)
    stores = sql_stores(database)
    config = CoreBankingConfig(base_url=sandbox, token=SANDBOX_TOKEN, retry_backoff_s=())
    async with CoreBankingClient(config) as client:
        engine = DialogueEngine(
            stores.conversations,
            FakeKnowledgeBase(),
            default_library(),
            EnginePolicy(rates=ChannelRates(telegram=Rate(50, 10.0))),
            actions=RasaAccountActions(client),
            authenticator=BankAuthenticator(client),
        )
        bot = build_bot(TOKEN, api_base, per_chat_per_s=50)
        dispatcher = build_dispatcher(
            engine,
            stores.chats,
            default_library(),
            stream_replies=False,
        )
        double.chat_interval_s = 0
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
        )
        try:
            own = {"phone_number": "79164445566", "first_name": "Игорь", "user_id": 501}
            double.push(message_update(1, contact=own))
            await wait_sent(double, 1)
            assert "•••-55-66" in double.sent[0].text
            async with httpx.AsyncClient() as http:
                outbox = await http.get(
                    f"{sandbox}/sandbox/outbox",
                    params={"phone": "+79164445566"},
                    headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
                )
            code = outbox.json()["messages"][0]["code"]
            double.push(message_update(2, text=code))
            await wait_sent(double, 2)
            assert "вы вошли" in double.sent[1].text
            assert double.sent[1].reply_markup == {"remove_keyboard": True}

            double.push(message_update(3, text="/check_balance"))
            await wait_sent(double, 3)
            assert "1\u00a0520,10\u00a0₽" in double.sent[2].text

            double.push(message_update(4, text="/block_card"))
            await wait_sent(double, 4)
            confirm = double.sent[3]
            assert "••0417" in confirm.text
            yes = confirm.reply_markup["inline_keyboard"][0][0] if confirm.reply_markup else {}
            double.push(callback_update(5, yes["callback_data"], message_id=confirm.message_id))
            await wait_sent(double, 5)
            assert "заблокирована" in double.sent[4].text
            statuses = {c.last4: c.status for c in await client.cards("c-2002")}
            assert statuses["0417"] == "blocked"

            double.push(message_update(6, text="/logout"))
            await wait_sent(double, 6)
            double.push(message_update(7, text="/check_balance"))
            await wait_sent(double, 7)
            assert "1\u00a0520" not in double.sent[6].text and "Поделиться номером" in str(
                double.sent[6].reply_markup
            )
        finally:
            await dispatcher.stop_polling()
            await polling
            await bot.session.close()
            await database.dispose()
