"""The Telegram channel put together from settings, the same for long polling
(`perimeter telegram`) and the webhook in `perimeter serve`."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher

from bot.channels.telegram.app import build_bot, build_dispatcher
from bot.channels.telegram.operators_group import OperatorsGroup
from bot.container import Container
from bot.settings import TelegramSettings
from bot.storage.telegram import SqlTelegramStore


def bot_for(section: TelegramSettings, token: str) -> Bot:
    return build_bot(
        token,
        section.api_base,
        per_chat_per_s=section.per_chat_per_s,
        overall_per_s=section.overall_per_s,
    )


@dataclass
class TelegramChannel:
    bot: Bot
    dispatcher: Dispatcher
    chats: SqlTelegramStore
    group: OperatorsGroup | None  # the operators' supergroup, when one is configured


def assemble(container: Container, token: str) -> TelegramChannel:
    settings = container.settings
    section = settings.telegram
    chats = SqlTelegramStore(container.store.engine)
    bot = bot_for(section, token)
    console, group_id = container.console, settings.operators.telegram_group_id
    group = (
        OperatorsGroup(bot, console.store, console.desk, console.feed, container.texts, group_id)
        if group_id is not None
        else None
    )
    dispatcher = build_dispatcher(
        container.engine,
        chats,
        container.texts,
        stream_replies=section.stream_replies,
        operators_group=group,
    )
    return TelegramChannel(bot, dispatcher, chats, group)
