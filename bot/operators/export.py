"""A conversation's transcript as files that leave the console: CSV and PDF, masked as the
inbox masks them (``bot.operators.inbox.Inbox.transcript``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fpdf import FPDF

from bot.dialogue.models import Role
from bot.operators.inbox import Transcript

# Where Debian (fonts-dejavu-core) and RHEL put a font with Cyrillic glyphs.
FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),
)
_ROLES = {Role.CUSTOMER: "клиент", Role.BOT: "бот", Role.OPERATOR: "оператор"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class NoFont(RuntimeError):
    """No font with Cyrillic glyphs: PDF export is off until one is installed or set."""


def find_font(configured: Path | None) -> Path | None:
    if configured is not None:
        return configured if configured.is_file() else None
    return next((path for path in FONTS if path.is_file()), None)


def transcript_csv(transcript: Transcript) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["conversation", "time_utc", "role", "author", "route", "text"])
    for m in transcript.messages:
        writer.writerow(
            [
                transcript.conversation.id,
                m.created_at.isoformat(timespec="seconds"),
                m.role.value,
                _cell(m.author or ""),
                m.route.value if m.route else "",
                _cell(m.text),
            ]
        )
    return out.getvalue()


def transcript_pdf(transcript: Transcript, font: Path | None) -> bytes:
    if font is None:
        raise NoFont(
            "no font with Cyrillic glyphs for PDF: install fonts-dejavu-core or set "
            "PERIMETER_OPERATORS__PDF_FONT to a .ttf file"
        )
    conversation = transcript.conversation
    pdf = FPDF(format="A4")
    pdf.set_title(f"Диалог {conversation.id}")
    pdf.set_creator("Perimeter")
    pdf.add_font("Body", "", str(font))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Body", size=14)
    pdf.multi_cell(0, 8, f"Диалог {conversation.id}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", size=9)
    started = conversation.created_at.strftime("%Y-%m-%d %H:%M UTC")
    pdf.multi_cell(
        0,
        5,
        f"Канал: {conversation.channel.value}. Начат: {started}. "
        "Номера карт, счетов, телефоны и e-mail скрыты.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    for m in transcript.messages:
        who = _ROLES.get(m.role, m.role.value) + (f" ({m.author})" if m.author else "")
        pdf.set_font("Body", size=8)
        pdf.set_text_color(90, 102, 118)
        when = m.created_at.strftime("%Y-%m-%d %H:%M:%S")
        pdf.multi_cell(0, 4, f"{when} · {who}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", size=10)
        pdf.set_text_color(28, 36, 48)
        pdf.multi_cell(0, 5, m.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def _cell(text: str) -> str:
    """A spreadsheet must not run a customer's text as a formula."""
    return f"'{text}" if text.startswith(_FORMULA) else text
