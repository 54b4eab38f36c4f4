"""The web chat's streaming sink: an unchecked draft that is not the reply is withdrawn."""

from __future__ import annotations

from typing import Any

from bot.channels.webchat.sinks import WebSocketSink
from bot.dialogue.models import HandoffReason, Reply, Route


class Frames:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.gone = False

    async def send(self, payload: dict[str, Any]) -> bool:
        self.sent.append(payload)
        return True


async def reply_after(tokens: list[str], reply: Reply) -> dict[str, Any]:
    frames = Frames()
    sink = WebSocketSink(frames)  # type: ignore[arg-type]
    for token in tokens:
        await sink.token(token)
    await sink.reply(reply)
    return frames.sent[-1]


async def test_a_confirmed_stream_is_not_retracted() -> None:
    final = await reply_after(["Стоит ", "99 ₽."], Reply("Стоит 99 ₽.", Route.ANSWER))
    assert final["retracted"] is False


async def test_a_draft_replaced_by_a_handoff_or_a_quote_is_retracted() -> None:
    handoff = Reply("Передаю оператору.", Route.HANDOFF, handoff=HandoffReason.UNGROUNDED_ANSWER)
    assert (await reply_after(["Стоит ", "12 345 ₽."], handoff))["retracted"] is True
    quote = Reply("«Обслуживание — 99 ₽ в месяц»", Route.ANSWER, quoted=True)
    assert (await reply_after(["Стоит ", "12 345 ₽."], quote))["retracted"] is True


async def test_nothing_streamed_nothing_retracted() -> None:
    assert (await reply_after([], Reply("Здравствуйте!", Route.SMALLTALK)))["retracted"] is False
