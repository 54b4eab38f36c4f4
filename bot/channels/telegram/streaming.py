"""A reply streamed into one Telegram message: sent with the first tokens, then edited at most
once per ``min_interval_s`` (Telegram's per-chat limit), and replaced by the final text.

The streamed text is a draft the grounding and figures checks have not passed: it never
stays. The final reply is edited over it, or, when the final reply needs a reply keyboard
(which an edit cannot attach), the draft is deleted and the reply sent anew."""

from __future__ import annotations

import html
import time
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from bot.channels.telegram.render import LIMIT, markup_of
from bot.dialogue.models import Reply

_TAIL = " …"


class EditingSink:
    def __init__(self, bot: Bot, chat_id: int, *, min_interval_s: float = 1.0) -> None:
        self._bot, self._chat_id = bot, chat_id
        self._interval = min_interval_s
        self._text = ""
        self._last = 0.0
        self.message_id: int | None = None

    async def accepted(self, message_id: str) -> None:
        pass

    async def token(self, text: str) -> None:
        self._text += text
        if self._text.strip() and time.monotonic() - self._last >= self._interval:
            await self._show(html.escape(self._text[: LIMIT - 100], quote=False) + _TAIL)

    async def waiting(self, notice: str) -> None:
        """The queue notice stands in the message until the first tokens replace it."""
        if not self._text.strip() and time.monotonic() - self._last >= self._interval:
            await self._show(html.escape(notice, quote=False))

    async def reply(self, reply: Reply) -> None:
        pass

    async def _show(self, visible: str) -> None:
        self._last = time.monotonic()
        if self.message_id is None:
            sent = await self._bot.send_message(self._chat_id, visible)
            self.message_id = sent.message_id
        else:
            await self._edit(visible, None)

    async def _edit(self, text: str, stored: dict[str, Any] | None) -> None:
        assert self.message_id is not None
        markup = markup_of(stored) if stored else None
        inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
        try:
            await self._bot.edit_message_text(
                text, chat_id=self._chat_id, message_id=self.message_id, reply_markup=inline
            )
        except TelegramBadRequest as exc:
            if "not modified" not in str(exc):
                raise

    async def finish(self, pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Put the final text into the streamed message; returns the pieces still to send."""
        if self.message_id is None or not pieces:
            return pieces
        first = pieces[0]
        markup = markup_of(first)
        if markup is not None and not isinstance(markup, InlineKeyboardMarkup):
            # A reply keyboard cannot be attached by an edit: the draft goes, the reply is
            # sent anew (an undeletable draft is overwritten by the reply's first piece).
            try:
                await self._bot.delete_message(self._chat_id, self.message_id)
            except TelegramBadRequest:
                await self._edit(first["text"], None)
            return pieces
        await self._edit(first["text"], first)
        return pieces[1:]
