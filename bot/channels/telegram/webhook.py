"""Telegram updates by webhook, mounted in the web app at ``POST /telegram/webhook``.

Telegram's ``secret_token`` is checked on every request (wrong or missing: 401, nothing
processed). The update is stored in the ledger before the 200 goes back, then handled in the
background: Telegram does not wait for a model to finish writing, and a redelivery of the same
``update_id`` is acknowledged and ignored, whichever replica it reaches.

An update whose replica died before finishing it is taken over: one replica (the leader)
looks every ``every_s`` for updates claimed longer than ``stale_s`` ago and still unfinished,
claims each anew and handles it, as long polling resumes its own at start.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ValidationError

from bot.background import Background
from bot.channels.telegram.ports import ChatLedger

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramWebhook:
    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        chats: ChatLedger,
        secret: str,
        *,
        grace_s: float = 20.0,
    ) -> None:
        self._grace_s = grace_s
        self.bot, self.dispatcher, self.chats = bot, dispatcher, chats
        self._secret = secret
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper = Background()

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
            self._spawn(update)
        else:
            log.info("telegram update=%s repeated: acknowledged, ignored", update.update_id)
        return Response(status_code=200)

    def _spawn(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def take_over(self, stale_s: float) -> int:
        """Handle the updates claimed over ``stale_s`` ago and never finished."""
        claimed_before = datetime.now(UTC) - timedelta(seconds=stale_s)
        pending = await self.chats.take_over_stale(claimed_before)
        for payload in pending:
            self._spawn(Update.model_validate(payload, context={"bot": self.bot}))
        if pending:
            log.info("telegram: took over %d unfinished update(s)", len(pending))
        return len(pending)

    def start_taking_over(self, stale_s: float, every_s: float) -> None:
        async def sweep() -> None:
            while True:
                try:
                    await self.take_over(stale_s)
                except Exception:
                    log.exception("telegram: taking over unfinished updates failed")
                await asyncio.sleep(every_s)

        self._sweeper.start(sweep())

    async def stop_taking_over(self) -> None:
        await self._sweeper.stop()

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update, resumed=True)
        except Exception:
            log.exception("telegram update=%s failed", update.update_id)

    async def close(self) -> None:
        """Let the updates being handled finish within the grace period (the bot's session is
        closed by its owner); one cut short is taken over later, from the ledger."""
        await self._sweeper.stop()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self._grace_s)


def webhook_router(hook: TelegramWebhook) -> APIRouter:
    router = APIRouter()
    router.add_api_route(
        "/telegram/webhook", hook.receive, methods=["POST"], include_in_schema=False
    )
    return router
