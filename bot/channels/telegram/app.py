"""The Telegram bot: aiogram's Bot against a configurable Bot API server, one Dispatcher."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import Update

from bot.channels.telegram.handlers import build_router
from bot.channels.telegram.ledger import UpdateLedger
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.ports import TextCatalog
from bot.storage.telegram import SqlTelegramStore

log = logging.getLogger(__name__)


def build_bot(token: str, api_base: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(
    engine: DialogueEngine, chats: SqlTelegramStore, texts: TextCatalog
) -> Dispatcher:
    dispatcher = Dispatcher(engine=engine, chats=chats, texts=texts)
    dispatcher.update.outer_middleware(UpdateLedger(chats))
    dispatcher.include_router(build_router())
    return dispatcher


async def resume_unfinished(dispatcher: Dispatcher, bot: Bot, chats: SqlTelegramStore) -> int:
    """Handle updates stored before a restart but never finished."""
    pending: list[dict[str, Any]] = await chats.unfinished_updates()
    for payload in pending:
        update = Update.model_validate(payload, context={"bot": bot})
        await dispatcher.feed_update(bot, update, resumed=True)
    return len(pending)
