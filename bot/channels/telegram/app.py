"""The Telegram bot: aiogram's Bot against a configurable Bot API server, one Dispatcher."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.types import Update

from bot.channels.telegram.handlers import build_router
from bot.channels.telegram.ledger import UpdateLedger
from bot.channels.telegram.operators_group import OperatorsGroup
from bot.channels.telegram.ports import ChatLedger
from bot.channels.telegram.throttle import OutboundThrottle
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.ports import RateLimiter, TextCatalog

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SharedState:
    """aiogram's own state shared by the replicas (Redis), when there are several."""

    storage: BaseStorage
    isolation: BaseEventIsolation


def build_bot(
    token: str,
    api_base: str,
    *,
    per_chat_per_s: float = 1.0,
    overall_per_s: float = 25.0,
    limiter: RateLimiter | None = None,
) -> Bot:
    """The bot; its outbound budget counted by ``limiter`` (shared by every process that
    sends for this token when it is Redis's)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base))
    budget = "telegram:" + hashlib.sha256(token.encode()).hexdigest()[:12]  # never the token
    session.middleware(
        OutboundThrottle(
            per_chat_per_s=per_chat_per_s,
            overall_per_s=overall_per_s,
            limiter=limiter,
            budget=budget,
        )
    )
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    *,
    stream_replies: bool = True,
    operators_group: OperatorsGroup | None = None,
    shared: SharedState | None = None,
) -> Dispatcher:
    """Customers' private chats; with ``operators_group``, also the operators' supergroup
    (its messages never reach the customers' handlers). A customer's flood is limited by
    the engine's guard (its Telegram rate), which the handlers obey. With ``shared`` (aiogram's
    Redis storage and event isolation), one chat's updates are handled one at a time across
    every replica, not only in this process."""
    isolation: dict[str, Any] = (
        {} if shared is None else {"storage": shared.storage, "events_isolation": shared.isolation}
    )
    dispatcher = Dispatcher(
        engine=engine, chats=chats, texts=texts, stream_replies=stream_replies, **isolation
    )
    dispatcher.update.outer_middleware(UpdateLedger(chats))
    if operators_group is not None:
        dispatcher.include_router(operators_group.router())
    dispatcher.include_router(build_router())
    return dispatcher


async def resume_unfinished(dispatcher: Dispatcher, bot: Bot, chats: ChatLedger) -> int:
    """Handle updates stored before a restart but never finished."""
    pending: list[dict[str, Any]] = await chats.unfinished_updates()
    for payload in pending:
        update = Update.model_validate(payload, context={"bot": bot})
        await dispatcher.feed_update(bot, update, resumed=True)
    return len(pending)
