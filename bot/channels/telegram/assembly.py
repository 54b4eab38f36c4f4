"""The Telegram channel put together, the same for long polling (``perimeter telegram``) and
the webhook in ``perimeter serve``; the container calls it with the built services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram import Bot, Dispatcher

from bot.channels.telegram.app import SharedState, build_bot, build_dispatcher
from bot.channels.telegram.operators_group import OperatorsGroup
from bot.channels.telegram.ports import ChatLedger
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.ports import RateLimiter, TextCatalog
from bot.settings import TelegramSettings


def bot_for(section: TelegramSettings, token: str, limiter: RateLimiter | None = None) -> Bot:
    return build_bot(
        token,
        section.api_base,
        per_chat_per_s=section.per_chat_per_s,
        overall_per_s=section.overall_per_s,
        limiter=limiter,
    )


@dataclass
class TelegramChannel:
    bot: Bot
    dispatcher: Dispatcher
    chats: ChatLedger
    group: OperatorsGroup | None  # the operators' supergroup, when one is configured


def assemble(
    section: TelegramSettings,
    token: str,
    *,
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    operators_group: Callable[[Bot], OperatorsGroup] | None = None,
    limiter: RateLimiter | None = None,
    shared: SharedState | None = None,
) -> TelegramChannel:
    bot = bot_for(section, token, limiter)
    group = operators_group(bot) if operators_group is not None else None
    dispatcher = build_dispatcher(
        engine,
        chats,
        texts,
        stream_replies=section.stream_replies,
        operators_group=group,
        shared=shared,
    )
    return TelegramChannel(bot, dispatcher, chats, group)
