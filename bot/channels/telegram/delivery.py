"""Operators' replies and the bot's notices to a customer in Telegram."""

from __future__ import annotations

import html
import logging

from aiogram import Bot

from bot.channels.telegram.ports import ChatLedger
from bot.channels.telegram.render import inline_keyboard, split_message
from bot.dialogue.models import Role, StoredMessage
from bot.operators.delivery import ButtonRows

log = logging.getLogger(__name__)


class TelegramDelivery:
    """Implements ``CustomerChannel`` for Telegram: any process with the bot token can send."""

    def __init__(self, bot: Bot, chats: ChatLedger) -> None:
        self._bot = bot
        self._chats = chats

    async def deliver(self, message: StoredMessage, buttons: ButtonRows = ()) -> bool:
        chat_id = await self._chats.chat_of(message.conversation_id)
        if chat_id is None:
            log.warning("no Telegram chat for conversation=%s", message.conversation_id)
            return False
        text = html.escape(message.text, quote=False)
        if message.role is Role.OPERATOR and message.author:
            text = f"<b>{html.escape(message.author, quote=False)}</b>\n{text}"
        pieces = split_message(text)
        markup = inline_keyboard((), buttons)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            await self._bot.send_message(chat_id, piece, reply_markup=markup if last else None)
        return True
