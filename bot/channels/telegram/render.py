"""Engine replies as Telegram messages: escaped HTML, split at 4,096 characters, keyboards.

Model output is escaped for the HTML parse mode, so a reply can never inject a link or markup;
Markdown syntax in it is plain text under HTML parse mode.
"""

from __future__ import annotations

import html
from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.dialogue.models import Button, Reply

LIMIT = 4096
_CALLBACK_BYTES = 64  # Telegram's limit for callback_data


def reply_html(reply: Reply, sources_label: str) -> str:
    text = html.escape(reply.text, quote=False)
    if reply.sources:
        lines = [
            f"• {_title(s.title, s.url)}"
            + (f" — {html.escape(s.section, quote=False)}" if s.section else "")
            for s in reply.sources
        ]
        text += f"\n\n<i>{html.escape(sources_label, quote=False)}</i>\n" + "\n".join(lines)
    return text


def _title(title: str, url: str | None) -> str:
    """A source's title, a link to the document on the bank's site when it has an address."""
    if not url:
        return html.escape(title, quote=False)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(title, quote=False)}</a>'


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a paragraph, a line or a space, and never
    inside an HTML entity or tag."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = limit
        amp, semi = window.rfind("&", 0, cut), window.rfind(";", 0, cut)
        if amp > semi:
            cut = amp  # do not split «&amp;»
        lt, gt = window.rfind("<", 0, cut), window.rfind(">", 0, cut)
        if lt > gt:
            cut = lt  # do not split a tag
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def inline_keyboard(
    buttons: tuple[Button, ...], extra_rows: tuple[tuple[Button, ...], ...] = ()
) -> InlineKeyboardMarkup | None:
    """One button per row for the reply's own choices, then the extra rows (feedback…)."""
    rows = [(b,) for b in buttons] + list(extra_rows)
    markup = [
        [InlineKeyboardButton(text=b.title, callback_data=b.payload) for b in row if _fits(b)]
        for row in rows
    ]
    markup = [row for row in markup if row]
    return InlineKeyboardMarkup(inline_keyboard=markup) if markup else None


def _fits(button: Button) -> bool:
    return 0 < len(button.payload.encode()) <= _CALLBACK_BYTES


FEEDBACK_PREFIX = "fb:"


def feedback_buttons(message_id: str) -> tuple[Button, ...]:
    return (
        Button("👍", f"{FEEDBACK_PREFIX}+:{message_id}"),
        Button("👎", f"{FEEDBACK_PREFIX}-:{message_id}"),
    )


def parse_feedback(data: str) -> tuple[bool, str] | None:
    """``fb:+:123`` → (True, "123"); None for any other callback."""
    if not data.startswith(FEEDBACK_PREFIX):
        return None
    sign, _, message_id = data[len(FEEDBACK_PREFIX) :].partition(":")
    if sign not in ("+", "-") or not message_id:
        return None
    return sign == "+", message_id


def share_phone_keyboard(label: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=label, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
_KINDS: dict[str, type[Markup]] = {
    "inline": InlineKeyboardMarkup,
    "reply": ReplyKeyboardMarkup,
    "remove": ReplyKeyboardRemove,
}


def piece(text: str, markup: Markup | None = None) -> dict[str, Any]:
    """One outgoing message as JSON (kept in the update ledger until it is sent)."""
    if markup is None:
        return {"text": text, "markup": None}
    kind = next(k for k, cls in _KINDS.items() if isinstance(markup, cls))
    return {"text": text, "markup": {"kind": kind, "data": markup.model_dump(mode="json")}}


def markup_of(stored: dict[str, Any]) -> Markup | None:
    raw = stored.get("markup")
    if not raw:
        return None
    return _KINDS[raw["kind"]].model_validate(raw["data"])
