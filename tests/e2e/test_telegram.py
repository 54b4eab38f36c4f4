"""The Telegram channel: the real aiogram Bot and Dispatcher, long polling against a Bot API
double on 127.0.0.1 through ``TelegramAPIServer.from_base``; SQLite storage; the engine with a
scripted knowledge base (the channel is under test, not the answers)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.banking import FakeAuthenticator, FakeBank
from bot.channels.telegram.app import build_bot, build_dispatcher, resume_unfinished
from bot.channels.telegram.render import piece, split_message
from bot.dialogue.engine import DialogueEngine
from bot.knowledge import FakeKnowledgeBase
from bot.storage import create_engine, sql_stores, upgrade_database
from prompts import default_library
from tests.conftest import BANK
from tests.support.doubles.telegram_api import (
    SentMessage,
    TelegramDouble,
    callback_update,
    message_update,
    running_double,
)

TOKEN = "123456:TEST-token-for-the-double"


class Running:
    def __init__(
        self,
        double: TelegramDouble,
        kb: FakeKnowledgeBase,
        codes: FakeAuthenticator,
        database: AsyncEngine,
    ) -> None:
        self.double, self.kb, self.codes, self.database = double, kb, codes, database

    async def sent_until(self, count: int, within_s: float = 15) -> list[SentMessage]:
        deadline = asyncio.get_running_loop().time() + within_s
        while len(self.double.sent) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} messages, got {self.double.sent}")
            await asyncio.sleep(0.05)
        return self.double.sent

    async def settle(self, seconds: float = 1.0) -> None:
        await asyncio.sleep(seconds)


@pytest.fixture
async def telegram(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Running]]:
    """Replies sent whole unless the test asks for streaming (``indirect`` parameter True)."""
    stream = bool(getattr(request, "param", False))
    async with running_double(TOKEN) as (double, api_base):
        async for running in _polling(double, api_base, tmp_path, stream):
            yield running


async def _polling(
    double: TelegramDouble, api_base: str, tmp_path: Path, stream: bool
) -> AsyncIterator[Callable[..., Running]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade_database(url)
    database = create_engine(url)
    stores = sql_stores(database)
    kb, codes = FakeKnowledgeBase(), FakeAuthenticator(FakeBank.from_file(BANK))
    engine = DialogueEngine(stores.conversations, kb, default_library(), authenticator=codes)
    bot = build_bot(TOKEN, api_base)
    dispatcher = build_dispatcher(engine, stores.chats, default_library(), stream_replies=stream)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
    )
    yield lambda: Running(double, kb, codes, database)
    await dispatcher.stop_polling()
    with contextlib.suppress(asyncio.CancelledError, RuntimeError):
        await asyncio.wait_for(polling, 10)
    await bot.session.close()
    await database.dispose()


async def test_a_question_gets_one_answer_with_its_sources(
    telegram: Callable[..., Running],
) -> None:
    run = telegram()
    run.double.push(message_update(1, text="сколько стоит обслуживание карты?"))
    [sent] = await run.sent_until(1)
    assert sent.chat_id == 501 and sent.parse_mode == "HTML"
    assert "99 ₽" in sent.text and "Обслуживание дебетовых карт — Стоимость" in sent.text


async def test_the_same_update_delivered_three_times_is_answered_once(
    telegram: Callable[..., Running],
) -> None:
    run = telegram()
    update = message_update(7, text="сколько стоит обслуживание карты?")
    run.double.push(update, update, update)
    await run.sent_until(1)
    await run.settle()
    assert len(run.double.sent) == 1
    assert len(run.kb.questions) == 1


async def test_model_markup_is_shown_as_text(telegram: Callable[..., Running]) -> None:
    run = telegram()
    run.kb.answer_text = (
        'Жмите <a href="http://evil.example">сюда</a> или [сюда](http://evil.example) 99 ₽'
    )
    run.double.push(message_update(2, text="сколько стоит карта?"))
    [sent] = await run.sent_until(1)
    assert '&lt;a href="http://evil.example"&gt;сюда&lt;/a&gt;' in sent.text
    assert "<a " not in sent.text
    assert "[сюда](http://evil.example)" in sent.text, "Markdown is inert under HTML parse mode"


async def test_a_photo_gets_a_polite_text_only_reply(telegram: Callable[..., Running]) -> None:
    run = telegram()
    photo = [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]
    run.double.push(message_update(3, photo=photo))
    [sent] = await run.sent_until(1)
    assert "только текст" in sent.text
    buttons = sent.reply_markup["inline_keyboard"] if sent.reply_markup else []
    assert buttons[0][0]["text"] == "Позвать оператора"
    assert run.kb.questions == []


async def test_someone_elses_contact_is_refused_and_ones_own_starts_the_login(
    telegram: Callable[..., Running],
) -> None:
    run = telegram()
    other = {"phone_number": "79164445566", "first_name": "Игорь", "user_id": 999}
    own = {"phone_number": "79031112233", "first_name": "Анна", "user_id": 501}
    run.double.push(message_update(4, contact=other))
    [refused] = await run.sent_until(1)
    assert "собственный номер" in refused.text and run.codes.phones == []
    run.double.push(message_update(5, contact=own))
    sent = await run.sent_until(2)
    assert run.codes.phones == ["+79031112233"]
    assert "•••-22-33" in sent[1].text


async def test_an_account_question_offers_the_phone_button(
    telegram: Callable[..., Running],
) -> None:
    run = telegram()
    run.double.push(message_update(6, text="/operator"))
    [handoff] = await run.sent_until(1)
    assert "оператор" in handoff.text
    run.double.push(message_update(8, text="/start", language="en"))
    sent = await run.sent_until(2)
    assert sent[1].text.startswith(
        "Hello! I am the bank's assistant"
    )  # no bank named: no brand set


def test_long_replies_are_split_cleanly() -> None:
    paragraph = "Абзац про тарифы &amp; условия. " * 40
    text = "\n\n".join([paragraph] * 8)
    pieces = split_message(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert "".join(p.replace(" ", "").replace("\n", "") for p in pieces) == text.replace(
        " ", ""
    ).replace("\n", "")
    assert not any(p.rstrip().endswith("&amp") for p in pieces)


async def test_a_flood_gets_one_notice_and_no_429(telegram: Callable[..., Running]) -> None:
    """200 messages from one chat at once: the first five are answered, one polite notice,
    and the bot never sends faster than the double's per-chat limit."""
    run = telegram()
    run.double.push(
        *(message_update(1000 + i, chat_id=42, text=f"вопрос номер {i}") for i in range(200))
    )
    await run.sent_until(6, within_s=30)
    await run.settle(2.0)
    texts = [m.text for m in run.double.sent]
    assert len(texts) == 6, texts
    assert sum("пишете очень быстро" in t for t in texts) == 1
    assert run.double.too_many == 0, "the bot stays inside Telegram's per-chat limit"
    assert len(run.kb.questions) == 5


async def test_a_flood_of_photos_meets_the_same_limit(telegram: Callable[..., Running]) -> None:
    """Media never reach the engine's turn, but they count against the chat's rate too."""
    run = telegram()
    photo = [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]
    run.double.push(*(message_update(3000 + i, chat_id=43, photo=photo) for i in range(20)))
    await run.sent_until(6, within_s=30)
    await run.settle(2.0)
    texts = [m.text for m in run.double.sent]
    assert len(texts) == 6, texts
    assert sum("только текст" in t for t in texts) == 5
    assert sum("пишете очень быстро" in t for t in texts) == 1


async def test_a_429_is_retried_after_retry_after(telegram: Callable[..., Running]) -> None:
    run = telegram()
    run.double.fail_next.append(1)
    started = asyncio.get_running_loop().time()
    run.double.push(message_update(9, text="сколько стоит обслуживание карты?"))
    [sent] = await run.sent_until(1)
    assert "99 ₽" in sent.text
    assert run.double.too_many == 1
    assert asyncio.get_running_loop().time() - started >= 1.0


async def test_a_reply_written_before_a_restart_is_sent_not_asked_again(tmp_path: Path) -> None:
    async with running_double(TOKEN) as (double, api_base):
        await _resume_stored_reply(double, api_base, tmp_path)


async def _resume_stored_reply(double: TelegramDouble, api_base: str, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade_database(url)
    database = create_engine(url)
    stores = sql_stores(database)
    kb = FakeKnowledgeBase()
    chats = stores.chats
    bot = build_bot(TOKEN, api_base)
    dispatcher = build_dispatcher(
        DialogueEngine(stores.conversations, kb, default_library()), chats, default_library()
    )
    update = message_update(55, chat_id=5501, text="сколько стоит карта?")
    assert await chats.claim_update(55, update)
    await chats.record_reply(55, [piece("Ответ, записанный до перезапуска")])
    try:
        assert await resume_unfinished(dispatcher, bot, chats) == 1
        assert [m.text for m in double.sent] == ["Ответ, записанный до перезапуска"]
        assert kb.questions == [], "the model is not asked again"
        assert await chats.unfinished_updates() == []
    finally:
        await bot.session.close()
        await database.dispose()


async def test_answers_carry_feedback_and_operator_buttons_and_a_rating_is_stored(
    telegram: Callable[..., Running],
) -> None:
    run = telegram()
    run.double.push(message_update(61, chat_id=6101, text="сколько стоит обслуживание карты?"))
    [answer] = await run.sent_until(1)
    rows = answer.reply_markup["inline_keyboard"] if answer.reply_markup else []
    assert [b["text"] for b in rows[0]] == ["👍", "👎"]
    assert rows[1][0]["text"] == "Позвать оператора"
    down = rows[0][1]["callback_data"]
    run.double.push(callback_update(62, down, chat_id=6101, message_id=answer.message_id))
    await run.settle()
    async with run.database.connect() as db:
        ratings = (
            await db.execute(text("SELECT role, feedback FROM messages WHERE feedback IS NOT NULL"))
        ).all()
    assert [tuple(r) for r in ratings] == [("bot", -1)]
    assert "answerCallbackQuery" in run.double.calls


@pytest.mark.parametrize("telegram", [True], indirect=True)
async def test_a_reply_is_streamed_into_one_message_within_the_limits(
    telegram: Callable[..., Running],
) -> None:
    run = telegram()
    run.kb.answer_text = (
        "Обслуживание карты «Классика» стоит 99 ₽ в месяц, для пенсионеров бесплатно."
    )
    run.kb.token_delay_s = 0.3
    run.double.push(message_update(71, chat_id=7101, text="сколько стоит обслуживание карты?"))
    [streamed] = await run.sent_until(1)
    assert streamed.text.endswith("…"), "the first tokens, still being written"
    deadline = asyncio.get_running_loop().time() + 20
    while "Источники" not in streamed.text:
        assert asyncio.get_running_loop().time() < deadline, streamed.text
        await asyncio.sleep(0.1)
    assert len(run.double.sent) == 1, "one message, edited"
    assert "для пенсионеров бесплатно" in streamed.text and not streamed.text.endswith("…")
    assert len(run.double.edits) >= 2, "edited while the model was writing"
    assert run.double.too_many == 0, "never more than one edit per second"


@pytest.mark.parametrize("telegram", [True], indirect=True)
async def test_a_queued_answer_shows_its_place_until_the_answer_replaces_it(
    telegram: Callable[..., Running],
) -> None:
    """The model is busy: the streamed message says where the customer stands in its queue
    (not silence), then the answer is edited over the notice in the same message."""
    run = telegram()
    run.kb.queue = (2, 1)
    run.kb.token_delay_s = 0.3
    run.double.push(message_update(75, chat_id=7501, text="сколько стоит обслуживание карты?"))
    [shown] = await run.sent_until(1)
    first = shown.text  # a SentMessage is edited in place: keep what was sent first
    assert "2-й в очереди" in first and "примерно через" in first, first
    deadline = asyncio.get_running_loop().time() + 20
    while "Источники" not in shown.text:
        assert asyncio.get_running_loop().time() < deadline, shown.text
        await asyncio.sleep(0.1)
    assert len(run.double.sent) == 1, "one message: the notice, then the answer"
    assert "99 ₽" in shown.text and "очеред" not in shown.text
    assert run.double.too_many == 0


@pytest.mark.parametrize("telegram", [True], indirect=True)
async def test_a_streamed_draft_that_fails_the_check_does_not_stay_in_the_chat(
    telegram: Callable[..., Running],
) -> None:
    """The review's M2: an authenticated customer's reply carries a reply keyboard, which an
    edit cannot attach; the unchecked draft used to be put back. Now it is deleted and the
    handoff is what the chat shows."""
    run = telegram()
    own = {"phone_number": "79031112233", "first_name": "Анна", "user_id": 7201}
    run.double.push(message_update(81, chat_id=7201, contact=own))
    await run.sent_until(1)
    code = run.codes.bank.last_code("+79031112233")
    run.double.push(message_update(82, chat_id=7201, text=code))
    await run.sent_until(2)
    run.kb.answer_text = "Обслуживание карты стоит 12 345 ₽ в месяц, звоните +7 999 000-00-00."
    run.kb.grounded = False
    run.kb.token_delay_s = 0.4
    run.double.push(message_update(83, chat_id=7201, text="сколько стоит обслуживание карты?"))
    deadline = asyncio.get_running_loop().time() + 20
    while not run.double.deleted:
        assert asyncio.get_running_loop().time() < deadline, run.double.sent
        await asyncio.sleep(0.1)
    await run.settle(1.5)
    shown = [m.text for m in run.double.sent if m.chat_id == 7201]
    assert any("12 345" in text for _, text in run.double.edits), "the draft was streamed"
    assert not any("12 345" in text or "000-00-00" in text for text in shown), shown
    assert "оператор" in shown[-1]


async def test_a_flood_of_button_presses_meets_the_chats_rate(
    telegram: Callable[..., Running],
) -> None:
    """The review's L2: presses were not counted; 15 at once now meet the chat's rate (5
    per 10 s): each is answered (Telegram waits for it), only the first ones are recorded."""
    run = telegram()
    run.double.push(message_update(91, chat_id=9101, text="сколько стоит обслуживание карты?"))
    [answer] = await run.sent_until(1)
    rows = answer.reply_markup["inline_keyboard"] if answer.reply_markup else []
    up = rows[0][0]["callback_data"]
    run.double.push(
        *(
            callback_update(92 + n, up, chat_id=9101, message_id=answer.message_id)
            for n in range(15)
        )
    )
    deadline = asyncio.get_running_loop().time() + 15
    while len(run.double.callback_answers) < 15:
        assert asyncio.get_running_loop().time() < deadline, run.double.callback_answers
        await asyncio.sleep(0.05)
    thanked = [a for a in run.double.callback_answers if a]
    assert 1 <= len(thanked) <= 4, run.double.callback_answers  # the question took one


async def test_a_typed_phone_does_not_start_a_login_in_telegram(
    telegram: Callable[..., Running],
) -> None:
    """The review's M1: anyone could type someone else's phone and trigger an SMS; in
    Telegram only the customer's own shared contact starts a login."""
    run = telegram()
    run.double.push(message_update(111, chat_id=1111, text="+7 903 111-22-33"))
    [reply] = await run.sent_until(1)
    assert "Поделиться номером" in reply.text and run.codes.phones == []
    assert reply.reply_markup is not None and reply.reply_markup.get("keyboard")
