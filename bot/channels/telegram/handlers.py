"""Handlers translate Telegram updates into the engine's input and its replies back; nothing
else. Dependencies arrive through aiogram's injection (the dispatcher's workflow data)."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, Update, User

from bot.channels.telegram.ports import ChatLedger
from bot.channels.telegram.render import (
    Markup,
    feedback_buttons,
    inline_keyboard,
    markup_of,
    parse_feedback,
    piece,
    reply_html,
    share_phone_keyboard,
    split_message,
)
from bot.channels.telegram.streaming import EditingSink
from bot.dialogue.engine import DialogueEngine
from bot.dialogue.errors import InvalidMessage, RateLimited
from bot.dialogue.models import Button, Channel, IncomingMessage, Lang, Reply, Route
from bot.dialogue.ports import TextCatalog
from bot.dialogue.sinks import DiscardingSink

log = logging.getLogger(__name__)


def language(user: User | None) -> Lang:
    code = (user.language_code or "") if user else ""
    return "en" if code.startswith("en") else "ru"


async def conversation_for(chat_id: int, engine: DialogueEngine, chats: ChatLedger) -> str:
    """The chat's conversation, started by its first message. The engine's locks keep two
    first messages arriving together from starting two."""
    async with engine.locks.hold(f"telegram-chat:{chat_id}"):
        conversation_id = await chats.conversation_of(chat_id)
        if conversation_id is None:
            conversation = await engine.start_conversation(Channel.TELEGRAM)
            conversation_id = conversation.id
            await chats.link(chat_id, conversation_id)
        return conversation_id


def outgoing(reply: Reply, texts: TextCatalog, lang: Lang) -> list[dict[str, Any]]:
    """The reply as Telegram messages: HTML pieces, the keyboard on the last one; none when
    the bot stays silent (an operator owns the conversation)."""
    if not reply.text:
        return []
    texts_out = split_message(reply_html(reply, texts.render("tg_sources", lang)))
    extra: tuple[tuple[Button, ...], ...] = ()
    if reply.route is Route.ANSWER and reply.message_id:
        operator = Button(
            texts.render("button_operator", lang), texts.render("tg_operator_request", lang)
        )
        extra = (feedback_buttons(reply.message_id), (operator,))
    markup: Markup | None = inline_keyboard(reply.buttons, extra)
    if markup is None and reply.route is Route.AUTH_REQUIRED and not reply.authenticated:
        markup = share_phone_keyboard(texts.render("tg_share_phone", lang))
    elif markup is None and reply.authenticated:
        markup = ReplyKeyboardRemove()
    last = len(texts_out) - 1
    return [piece(text, markup if i == last else None) for i, text in enumerate(texts_out)]


async def refused(exc: RateLimited, message: Message, texts: TextCatalog, lang: Lang) -> None:
    """A flood: one polite notice per window, the rest of the burst unanswered (the ledger
    still has every update)."""
    if exc.first_refusal:
        await message.answer(texts.render("tg_flood", lang))
    log.info("telegram chat flood: message not answered")


async def admitted(
    message: Message, engine: DialogueEngine, chats: ChatLedger, texts: TextCatalog
) -> str | None:
    """The chat's conversation, when the engine's rate admits one more message that the
    bot answers without it (a command, a photo); None after a flood notice."""
    conversation_id = await conversation_for(message.chat.id, engine, chats)
    try:
        await engine.admit(conversation_id, Channel.TELEGRAM)
    except RateLimited as exc:
        await refused(exc, message, texts, language(message.from_user))
        return None
    return conversation_id


async def send_pieces(bot: Bot, chat_id: int, pieces: list[dict[str, Any]]) -> None:
    for stored in pieces:
        await bot.send_message(chat_id, stored["text"], reply_markup=markup_of(stored))


async def ask_engine(
    message: Message,
    text: str,
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    lang: Lang,
    update_id: int,
    stream: bool = False,
    contact: bool = False,
) -> None:
    """``contact``: the text is the customer's own shared contact, the only way a login
    starts in Telegram (a typed phone is answered with the share button)."""
    conversation_id = await conversation_for(message.chat.id, engine, chats)
    assert message.bot is not None
    sink = EditingSink(message.bot, message.chat.id) if stream else DiscardingSink()
    try:
        incoming = IncomingMessage(
            conversation_id, text, Channel.TELEGRAM, typed_phone_login=contact
        )
        reply = await engine.handle(incoming, sink)
    except InvalidMessage as exc:
        name = "error_too_long" if exc.reason == "too_long" else "error_empty"
        values = {"limit": exc.limit} if exc.reason == "too_long" else {}
        await message.answer(texts.render(name, lang, **values))
        return
    except RateLimited as exc:
        await refused(exc, message, texts, lang)
        return
    pieces = outgoing(reply, texts, lang)
    await chats.record_reply(update_id, pieces)  # a restart from here on resends, not re-asks
    if isinstance(sink, EditingSink):
        pieces = await sink.finish(pieces)
    await send_pieces(message.bot, message.chat.id, pieces)


async def start(
    message: Message, engine: DialogueEngine, chats: ChatLedger, texts: TextCatalog
) -> None:
    if await admitted(message, engine, chats, texts) is not None:
        await message.answer(texts.render("tg_start", language(message.from_user)))


async def help_command(
    message: Message, engine: DialogueEngine, chats: ChatLedger, texts: TextCatalog
) -> None:
    if await admitted(message, engine, chats, texts) is not None:
        await message.answer(texts.render("tg_help", language(message.from_user)))


async def operator(
    message: Message,
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    event_update: Update,
) -> None:
    lang = language(message.from_user)
    request = texts.render("tg_operator_request", lang)
    await ask_engine(message, request, engine, chats, texts, lang, event_update.update_id)


async def logout(
    message: Message, engine: DialogueEngine, chats: ChatLedger, texts: TextCatalog
) -> None:
    conversation_id = await admitted(message, engine, chats, texts)
    if conversation_id is None:
        return
    await engine.logout(conversation_id)
    await message.answer(
        texts.render("tg_logged_out", language(message.from_user)),
        reply_markup=ReplyKeyboardRemove(),
    )


async def contact(
    message: Message,
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    event_update: Update,
) -> None:
    """Only the sender's own contact logs in: a forwarded card of someone else is refused."""
    lang = language(message.from_user)
    shared = message.contact
    if shared is None or message.from_user is None or shared.user_id != message.from_user.id:
        if await admitted(message, engine, chats, texts) is not None:
            await message.answer(texts.render("tg_contact_not_own", lang))
        return
    digits = "".join(ch for ch in shared.phone_number if ch.isdigit())
    await ask_engine(
        message, f"+{digits}", engine, chats, texts, lang, event_update.update_id, contact=True
    )


async def text_message(
    message: Message,
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    event_update: Update,
    stream_replies: bool,
) -> None:
    lang = language(message.from_user)
    text = message.text or ""
    await ask_engine(
        message, text, engine, chats, texts, lang, event_update.update_id, stream_replies
    )


async def button(
    callback: CallbackQuery,
    engine: DialogueEngine,
    chats: ChatLedger,
    texts: TextCatalog,
    event_update: Update,
) -> None:
    lang = language(callback.from_user)
    rating = parse_feedback(callback.data or "")
    if rating is not None:
        chat_id = (
            callback.message.chat.id
            if isinstance(callback.message, Message)
            else callback.from_user.id
        )
        conversation_id = await chats.conversation_of(chat_id)
        if conversation_id is None:
            await callback.answer()
            return
        try:  # presses count against the chat's rate like messages (the review's L2)
            await engine.admit(conversation_id, Channel.TELEGRAM)
        except RateLimited:
            await callback.answer()  # Telegram needs an answer; the flood gets nothing else
            return
        positive, message_id = rating
        await engine.feedback(conversation_id, message_id, positive)
        await callback.answer(texts.render("tg_feedback_thanks", lang))
        return
    await callback.answer()
    if not isinstance(callback.message, Message):
        return  # the message is too old to answer under
    data = callback.data or ""
    await ask_engine(callback.message, data, engine, chats, texts, lang, event_update.update_id)


async def not_text(
    message: Message, engine: DialogueEngine, chats: ChatLedger, texts: TextCatalog
) -> None:
    """Photos, voice notes, stickers, documents, locations: the bot reads text only."""
    if await admitted(message, engine, chats, texts) is None:
        return
    lang = language(message.from_user)
    call = Button(texts.render("button_operator", lang), texts.render("tg_operator_request", lang))
    await message.answer(texts.render("tg_text_only", lang), reply_markup=inline_keyboard((call,)))


def build_router() -> Router:
    """Routers per feature under one parent (aiogram attaches a router to one dispatcher, so a
    fresh set is built for each)."""
    commands = Router(name="commands")
    commands.message.register(start, CommandStart())
    commands.message.register(help_command, Command("help"))
    commands.message.register(operator, Command("operator"))
    commands.message.register(logout, Command("logout"))
    login = Router(name="login")
    login.message.register(contact, F.contact)
    chat = Router(name="chat")
    chat.message.register(text_message, F.text)
    buttons = Router(name="buttons")
    buttons.callback_query.register(button, F.data)
    media = Router(name="media")  # last: whatever is not text
    media.message.register(not_text)
    parent = Router(name="perimeter")
    parent.message.filter(F.chat.type == "private")  # customers write to the bot directly
    parent.include_routers(commands, login, chat, buttons, media)
    return parent
