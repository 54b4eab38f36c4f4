"""Telegram updates by webhook, mounted in the web app at ``POST /telegram/webhook``.

Telegram's ``secret_token`` is checked on every request (wrong or missing: 401, nothing
processed). The update is stored in the ledger before the 200 goes back, then handled in the
background: Telegram does not wait for a model to finish writing, and a redelivery of the same
``update_id`` is acknowledged and ignored.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ValidationError

from bot.channels.telegram.ports import ChatLedger

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramWebhook:
    def __init__(self, bot: Bot, dispatcher: Dispatcher, chats: ChatLedger, secret: str) -> None:
        self.bot, self.dispatcher, self.chats = bot, dispatcher, chats
        self._secret = secret
        self._tasks: set[asyncio.Task[Any]] = set()

    async def register(self, url: str) -> None:
        await self.bot.set_webhook(url, secret_token=self._secret, drop_pending_updates=False)

    async def receive(self, request: Request) -> Response:
        offered = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(offered.encode(), self._secret.encode()):
            raise HTTPException(status_code=401, detail="wrong or missing secret token")
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.bot})
        except (ValueError, ValidationError):
            raise HTTPException(status_code=400, detail="not a Telegram update") from None
        payload = update.model_dump(mode="json", exclude_none=True)
        if await self.chats.claim_update(update.update_id, payload):
            task = asyncio.create_task(self._handle(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            log.info("telegram update=%s repeated: acknowledged, ignored", update.update_id)
        return Response(status_code=200)

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update, resumed=True)
        except Exception:
            log.exception("telegram update=%s failed", update.update_id)

    async def close(self) -> None:
        """Let the updates being handled finish (the bot's session is closed by its owner)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=30)


def webhook_router(hook: TelegramWebhook) -> APIRouter:
    router = APIRouter()
    router.add_api_route(
        "/telegram/webhook", hook.receive, methods=["POST"], include_in_schema=False
    )
    return router
