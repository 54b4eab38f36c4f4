"""A Telegram Bot API double on 127.0.0.1 (aiohttp) speaking the real wire format:
``POST /bot<token>/<method>`` with form or JSON fields, ``{"ok": true, "result": …}`` answers.

Tests queue updates (``push``) for ``getUpdates`` and read what the bot sent (``sent``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from integrations.processes import free_port

BOT_ID = 7000001


@dataclass
class SentMessage:
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    message_id: int
    message_thread_id: int | None = None


@dataclass
class TelegramDouble:
    token: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    next_message_id: int = 1000
    webhook: dict[str, Any] | None = None
    edits: list[tuple[int, str]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    callback_answers: list[str] = field(default_factory=list)  # their texts, "" for none
    # Limits like Telegram's: a chat gets at most one message per ``chat_interval_s``; more is
    # a 429 with retry_after. ``fail_next`` answers the next sends with 429 regardless.
    chat_interval_s: float = 0.9
    fail_next: list[int] = field(default_factory=list)
    too_many: int = 0
    last_sent: dict[int, float] = field(default_factory=dict)
    new_update: asyncio.Event = field(default_factory=asyncio.Event)
    # Forum topics of supergroups: thread id -> (chat id, name, closed)
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)

    def push(self, *updates: dict[str, Any]) -> None:
        self.updates.extend(updates)
        self.new_update.set()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        return app

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append(method)
        fields = await _fields(request)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        result = await handler(fields)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    def _retry_after(self, seconds: int) -> web.Response:
        self.too_many += 1
        return web.json_response(
            {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {seconds}",
                "parameters": {"retry_after": seconds},
            },
            status=429,
        )

    async def _getMe(self, fields: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Perimeter",
            "username": "perimeter_bot",
        }

    async def _deleteWebhook(self, fields: dict[str, Any]) -> bool:  # noqa: N802
        return True

    async def _getUpdates(self, fields: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        offset = int(fields.get("offset") or 0)
        timeout = min(float(fields.get("timeout") or 0), 1.0)
        ready = [u for u in self.updates if u["update_id"] >= offset]
        if not ready and timeout:
            self.new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.new_update.wait(), timeout)
            ready = [u for u in self.updates if u["update_id"] >= offset]
        return ready

    async def _sendMessage(self, fields: dict[str, Any]) -> dict[str, Any] | web.Response:  # noqa: N802
        chat, now = int(fields["chat_id"]), time.monotonic()
        if self.fail_next:
            return self._retry_after(self.fail_next.pop(0))
        if now - self.last_sent.get(chat, -1e9) < self.chat_interval_s:
            return self._retry_after(1)
        self.last_sent[chat] = now
        self.next_message_id += 1
        markup = fields.get("reply_markup")
        sent = SentMessage(
            chat_id=int(fields["chat_id"]),
            text=str(fields["text"]),
            parse_mode=fields.get("parse_mode"),
            reply_markup=json.loads(markup) if isinstance(markup, str) else markup,
            message_id=self.next_message_id,
            message_thread_id=int(fields["message_thread_id"])
            if fields.get("message_thread_id")
            else None,
        )
        if sent.message_thread_id is not None and sent.message_thread_id not in self.topics:
            return _error(400, "Bad Request: message thread not found")
        self.sent.append(sent)
        return {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Perimeter"},
            "text": sent.text,
        }

    async def _editMessageText(self, fields: dict[str, Any]) -> dict[str, Any] | web.Response:  # noqa: N802
        chat, now = int(fields["chat_id"]), time.monotonic()
        if now - self.last_sent.get(chat, -1e9) < self.chat_interval_s:
            return self._retry_after(1)
        self.last_sent[chat] = now
        target = next((m for m in self.sent if m.message_id == int(fields["message_id"])), None)
        if target is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = fields.get("reply_markup")
        target.text = str(fields["text"])
        target.reply_markup = json.loads(markup) if isinstance(markup, str) else markup
        self.edits.append((target.message_id, target.text))
        return {
            "message_id": target.message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "text": target.text,
        }

    async def _deleteMessage(self, fields: dict[str, Any]) -> bool | web.Response:  # noqa: N802
        target = next((m for m in self.sent if m.message_id == int(fields["message_id"])), None)
        if target is None:
            return _error(400, "Bad Request: message to delete not found")
        self.sent.remove(target)
        self.deleted.append(target.message_id)
        return True

    async def _answerCallbackQuery(self, fields: dict[str, Any]) -> bool:  # noqa: N802
        self.callback_answers.append(str(fields.get("text") or ""))
        return True

    async def _createForumTopic(self, fields: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        thread = 5000 + len(self.topics) + 1
        self.topics[thread] = {
            "chat_id": int(fields["chat_id"]),
            "name": str(fields["name"]),
            "closed": False,
        }
        return {"message_thread_id": thread, "name": fields["name"], "icon_color": 7322096}

    async def _closeForumTopic(self, fields: dict[str, Any]) -> bool | web.Response:  # noqa: N802
        topic = self.topics.get(int(fields["message_thread_id"]))
        if topic is None:
            return _error(400, "Bad Request: TOPIC_ID_INVALID")
        topic["closed"] = True
        return True

    async def _setWebhook(self, fields: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = dict(fields)
        return True


@asynccontextmanager
async def running_double(token: str) -> AsyncIterator[tuple[TelegramDouble, str]]:
    """The double on the test's own event loop; yields it and its base URL."""
    double = TelegramDouble(token)
    runner = web.AppRunner(double.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield double, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@contextmanager
def double_in_thread(token: str) -> Iterator[tuple[TelegramDouble, str]]:
    """The double on its own event loop in a thread, for tests whose loop is busy (a server
    process starting up calls it while the test waits)."""
    loop = asyncio.new_event_loop()
    port = free_port()
    holder: dict[str, Any] = {}

    async def start() -> None:
        holder["double"] = TelegramDouble(token)
        runner = web.AppRunner(holder["double"].app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        holder["runner"] = runner

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield holder["double"], f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _fields(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.post()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


def user(user_id: int = 501, language: str = "ru") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Анна", "language_code": language}


def message_update(
    update_id: int, chat_id: int = 501, text: str | None = None, **extra: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": user(chat_id, extra.pop("language", "ru")),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    message.update(extra)
    return {"update_id": update_id, "message": message}


def group_message_update(
    update_id: int, group_id: int, thread_id: int, text: str, user_id: int = 900
) -> dict[str, Any]:
    """An operator writes in a topic of the operators' supergroup."""
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": group_id, "type": "supergroup", "title": "Операторы", "is_forum": True},
        "from": {"id": user_id, "is_bot": False, "first_name": "Ольга", "language_code": "ru"},
        "message_thread_id": thread_id,
        "is_topic_message": True,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def callback_update(
    update_id: int, data: str, chat_id: int = 501, message_id: int = 1001
) -> dict[str, Any]:
    """A press on an inline button under the bot's message ``message_id``."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb-{update_id}",
            "from": user(chat_id),
            "chat_instance": f"ci-{chat_id}",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Perimeter"},
                "text": "…",
            },
        },
    }
