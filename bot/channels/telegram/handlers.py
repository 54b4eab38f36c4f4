"""Handlers translate Telegram updates into the engine's input and its replies back; nothing
else. Dependencies arrive through aiogram's injection (the dispatcher's workflow data)."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, User

from bot.channels.telegram.render import (
    inline_keyboard,
    reply_html,
    share_phone_keyboard,
    split_message,
)
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.errors import InvalidMessage
from bot.dialogue.models import Button, Channel, IncomingMessage, Lang, Reply, Route
from bot.dialogue.ports import TextCatalog
from bot.dialogue.serial import KeyedLock
from bot.storage.telegram import SqlTelegramStore

log = logging.getLogger(__name__)
_chat_locks = KeyedLock()


class _Dropped:
    """Telegram gets the whole reply at once; streamed tokens are not used here."""

    async def accepted(self, message_id: str) -> None:
        pass

    async def token(self, text: str) -> None:
        pass

    async def reply(self, reply: Reply) -> None:
        pass


def language(user: User | None) -> Lang:
    code = (user.language_code or "") if user else ""
    return "en" if code.startswith("en") else "ru"


async def conversation_for(chat_id: int, engine: DialogueEngine, chats: SqlTelegramStore) -> str:
    async with _chat_locks.hold(str(chat_id)):
        conversation_id = await chats.conversation_of(chat_id)
        if conversation_id is None:
            conversation = await engine.start_conversation(Channel.TELEGRAM)
            conversation_id = conversation.id
            await chats.link(chat_id, conversation_id)
        return conversation_id


async def send_reply(message: Message, reply: Reply, texts: TextCatalog, lang: Lang) -> None:
    pieces = split_message(reply_html(reply, texts.render("tg_sources", lang)))
    markup = inline_keyboard(reply.buttons)
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        if last and markup is not None:
            await message.answer(piece, reply_markup=markup)
        elif last and reply.route is Route.AUTH_REQUIRED and not reply.authenticated:
            label = texts.render("tg_share_phone", lang)
            await message.answer(piece, reply_markup=share_phone_keyboard(label))
        elif last and reply.authenticated:
            await message.answer(piece, reply_markup=ReplyKeyboardRemove())
        else:
            await message.answer(piece)


async def ask_engine(
    message: Message,
    text: str,
    engine: DialogueEngine,
    chats: SqlTelegramStore,
    texts: TextCatalog,
    lang: Lang,
) -> None:
    conversation_id = await conversation_for(message.chat.id, engine, chats)
    try:
        reply = await engine.handle(
            IncomingMessage(conversation_id, text, Channel.TELEGRAM), _Dropped()
        )
    except InvalidMessage as exc:
        name = "error_too_long" if exc.reason == "too_long" else "error_empty"
        values = {"limit": 4000} if exc.reason == "too_long" else {}
        await message.answer(texts.render(name, lang, **values))
        return
    await send_reply(message, reply, texts, lang)


async def start(message: Message, texts: TextCatalog) -> None:
    await message.answer(texts.render("tg_start", language(message.from_user)))


async def help_command(message: Message, texts: TextCatalog) -> None:
    await message.answer(texts.render("tg_help", language(message.from_user)))


async def operator(
    message: Message, engine: DialogueEngine, chats: SqlTelegramStore, texts: TextCatalog
) -> None:
    lang = language(message.from_user)
    await ask_engine(message, texts.render("tg_operator_request", lang), engine, chats, texts, lang)


async def logout(
    message: Message, engine: DialogueEngine, chats: SqlTelegramStore, texts: TextCatalog
) -> None:
    conversation_id = await conversation_for(message.chat.id, engine, chats)
    await engine.logout(conversation_id)
    await message.answer(
        texts.render("tg_logged_out", language(message.from_user)),
        reply_markup=ReplyKeyboardRemove(),
    )


async def contact(
    message: Message, engine: DialogueEngine, chats: SqlTelegramStore, texts: TextCatalog
) -> None:
    """Only the sender's own contact logs in: a forwarded card of someone else is refused."""
    lang = language(message.from_user)
    shared = message.contact
    if shared is None or message.from_user is None or shared.user_id != message.from_user.id:
        await message.answer(texts.render("tg_contact_not_own", lang))
        return
    digits = "".join(ch for ch in shared.phone_number if ch.isdigit())
    await ask_engine(message, f"+{digits}", engine, chats, texts, lang)


async def text_message(
    message: Message, engine: DialogueEngine, chats: SqlTelegramStore, texts: TextCatalog
) -> None:
    lang = language(message.from_user)
    await ask_engine(message, message.text or "", engine, chats, texts, lang)


async def button(
    callback: CallbackQuery, engine: DialogueEngine, chats: SqlTelegramStore, texts: TextCatalog
) -> None:
    await callback.answer()
    if not isinstance(callback.message, Message):
        return  # the message is too old to answer under
    lang = language(callback.from_user)
    await ask_engine(callback.message, callback.data or "", engine, chats, texts, lang)


async def not_text(message: Message, texts: TextCatalog) -> None:
    """Photos, voice notes, stickers, documents, locations: the bot reads text only."""
    lang = language(message.from_user)
    call = Button(texts.render("button_operator", lang), texts.render("tg_operator_request", lang))
    await message.answer(texts.render("tg_text_only", lang), reply_markup=inline_keyboard((call,)))


def build_router() -> Router:
    """A fresh router per dispatcher (aiogram attaches a router to one dispatcher only)."""
    router = Router(name="perimeter")
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.message.register(operator, Command("operator"))
    router.message.register(logout, Command("logout"))
    router.message.register(contact, F.contact)
    router.message.register(text_message, F.text)
    router.callback_query.register(button, F.data)
    router.message.register(not_text)
    return router
