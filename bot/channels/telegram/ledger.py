"""Every update is stored with its ``update_id`` before it is handled; a repeat is dropped.

Telegram redelivers an update when a webhook answer is late and long polling may return one
twice around a restart: answering twice is worse than not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.channels.telegram.handlers import send_pieces
from bot.channels.telegram.ports import ChatLedger

log = logging.getLogger(__name__)


class UpdateLedger(BaseMiddleware):
    def __init__(self, store: ChatLedger) -> None:
        self._store = store

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        payload = event.model_dump(mode="json", exclude_none=True)
        resumed = bool(data.get("resumed"))  # stored before a restart, never finished
        if not resumed and not await self._store.claim_update(event.update_id, payload):
            log.info("telegram update=%s repeated: ignored", event.update_id)
            return None
        stored = await self._store.stored_reply(event.update_id) if resumed else None
        chat = data.get("event_chat")  # set by aiogram's own user-context middleware
        if stored is not None and chat is not None:
            # Answered before the restart but maybe not delivered: send what was written.
            await send_pieces(data["bot"], chat.id, stored)
            await self._store.finish_update(event.update_id)
            return None
        result = await handler(event, data)
        await self._store.finish_update(event.update_id)
        return result
