"""The operators' inbox beyond the queue: canned responses (supervisors keep them, operators
insert them by shortcut), private notes on a handoff, the search of past conversations, and a
conversation's transcript for export.

What staff read here is masked as in the console: card and account numbers always; phones
and e-mail addresses too in the search's snippets and the exports, which leave the console.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from bot.dialogue.masking import mask_numbers, mask_personal
from bot.dialogue.models import Conversation, HandoffReason, StoredMessage
from bot.http.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.http.fields import VISIBLE
from bot.operators.desk import OperatorDesk
from bot.operators.models import CannedResponse, ConversationQuery, FoundConversation, Note
from bot.operators.ports import InboxStore, Transcripts
from bot.staff.models import StaffMember, StaffRole

log = logging.getLogger(__name__)

SHORTCUT = re.compile(r"^[^\W_][\w-]{0,31}$")  # «привет», «limit-card»: letters, digits, - _
VARIABLES = ("first_name", "operator")
_VISIBLE = re.compile(VISIBLE)
_VARIABLE = re.compile(r"\{([^{}]*)\}")
MAX_TITLE = 120
MAX_NOTE = 2000
MAX_QUERY = 200
MAX_RESULTS = 50


@dataclass(frozen=True, slots=True)
class Rendered:
    """A canned response as it would go to this customer."""

    canned: CannedResponse
    text: str


@dataclass(frozen=True, slots=True)
class Transcript:
    conversation: Conversation
    messages: list[StoredMessage]  # masked


class Inbox:
    def __init__(
        self,
        store: InboxStore,
        transcripts: Transcripts,
        desk: OperatorDesk,
    ) -> None:
        self._store = store
        self._transcripts = transcripts
        self._desk = desk

    # --- canned responses ----------------------------------------------------------------

    async def canned(self) -> list[CannedResponse]:
        return await self._store.list_canned()

    async def save_canned(
        self,
        viewer: StaffMember,
        canned_id: str | None,
        *,
        shortcut: str,
        lang: str,
        title: str,
        text: str,
    ) -> CannedResponse:
        _require_supervisor(viewer)
        shortcut, title, text = shortcut.strip().lstrip("/").lower(), title.strip(), text.strip()
        if not SHORTCUT.match(shortcut):
            raise InvalidInput(
                "a shortcut is one word of letters, digits, - or _ (up to 32), e.g. привет",
                code="bad_shortcut",
            )
        if lang not in ("ru", "en"):
            raise InvalidInput("the language is ru or en", code="bad_lang")
        if not _VISIBLE.search(title) or len(title) > MAX_TITLE:
            raise InvalidInput(f"a title is 1 to {MAX_TITLE} characters", code="bad_title")
        if not _VISIBLE.search(text) or len(text) > self._desk.max_reply_chars:
            raise InvalidInput(
                f"a text is 1 to {self._desk.max_reply_chars} characters", code="bad_text"
            )
        unknown = sorted({v for v in _VARIABLE.findall(text) if v not in VARIABLES})
        if unknown:
            raise InvalidInput(
                f"unknown variable {{{unknown[0]}}}: use {{first_name}} or {{operator}}",
                code="bad_variable",
            )
        saved = await self._store.save_canned(canned_id, shortcut, lang, title, text, viewer.name)
        if saved is None:
            if canned_id is not None and not any(
                c.id == canned_id for c in await self._store.list_canned()
            ):
                raise NotFound("no such canned response")
            raise Conflict(f"/{shortcut} already exists in this language")
        log.info("canned response saved id=%s by=%s", saved.id, viewer.name)
        return saved

    async def delete_canned(self, viewer: StaffMember, canned_id: str) -> None:
        _require_supervisor(viewer)
        if not await self._store.delete_canned(canned_id):
            raise NotFound("no such canned response")
        log.info("canned response deleted id=%s by=%s", canned_id, viewer.name)

    async def canned_for(self, viewer: StaffMember, handoff_id: str) -> list[Rendered]:
        """Every canned response filled in for this handoff's customer, the conversation's
        language first."""
        detail = await self._desk.detail(viewer, handoff_id)
        conversation = await self._transcripts.get_conversation(detail.view.handoff.conversation_id)
        lang = (conversation.lang if conversation else None) or "ru"
        first_name = detail.profile.first_name if detail.profile else ""
        rendered = [
            Rendered(c, render(c.text, first_name=first_name, operator=viewer.display_name))
            for c in await self._store.list_canned()
        ]
        rendered.sort(key=lambda r: (r.canned.lang != lang, r.canned.shortcut))
        return rendered

    # --- notes ---------------------------------------------------------------------------

    async def add_note(self, viewer: StaffMember, handoff_id: str, text: str) -> Note:
        await self._desk.view(viewer, handoff_id)  # 404 / 403 as for the handoff itself
        text = text.strip()
        if not _VISIBLE.search(text) or len(text) > MAX_NOTE:
            raise InvalidInput(f"a note is 1 to {MAX_NOTE} characters", code="bad_note")
        note = await self._store.add_note(
            handoff_id, viewer.name, viewer.display_name, mask_numbers(text)
        )
        log.info("note added handoff=%s by=%s", handoff_id, viewer.name)
        return note

    async def notes(self, viewer: StaffMember, handoff_id: str) -> list[Note]:
        await self._desk.view(viewer, handoff_id)
        return await self._store.notes(handoff_id)

    # --- past conversations --------------------------------------------------------------

    async def search(
        self,
        viewer: StaffMember,
        *,
        text: str | None = None,
        conversation_id: str | None = None,
        reason: str | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> list[FoundConversation]:
        """Operators find the conversations that reached people; supervisors, any."""
        text = (text or "").strip() or None
        if text is not None and len(text) > MAX_QUERY:
            raise InvalidInput(f"search for at most {MAX_QUERY} characters", code="bad_query")
        if reason is not None and reason not in {r.value for r in HandoffReason}:
            raise InvalidInput(f"no handoff reason {reason!r}", code="bad_reason")
        if first is not None and last is not None and last < first:
            raise InvalidInput("the period ends before it starts", code="bad_period")
        query = ConversationQuery(
            text=text,
            conversation_id=(conversation_id or "").strip() or None,
            reason=reason,
            since=_start(first) if first else None,
            until=_start(last) + timedelta(days=1) if last else None,
            handed_off_only=viewer.role is not StaffRole.SUPERVISOR,
            limit=MAX_RESULTS,
        )
        found = await self._store.search(query)
        return [replace(f, snippet=mask_personal(f.snippet)) for f in found]

    async def transcript(self, viewer: StaffMember, conversation_id: str) -> Transcript:
        """A past conversation to read or export, as the search would find it."""
        reachable = await self._store.search(
            ConversationQuery(
                conversation_id=conversation_id,
                handed_off_only=viewer.role is not StaffRole.SUPERVISOR,
                limit=1,
            )
        )
        conversation = await self._transcripts.get_conversation(conversation_id)
        if not reachable or conversation is None:
            raise NotFound("no such conversation")
        messages = await self._transcripts.list_messages(conversation_id)
        log.info("transcript read conversation=%s by=%s", conversation_id, viewer.name)
        return Transcript(conversation, [replace(m, text=mask_personal(m.text)) for m in messages])


def render(text: str, *, first_name: str, operator: str) -> str:
    """The variables filled in; an unknown first name leaves no gap («Здравствуйте!»)."""
    named = text.replace("{first_name}", first_name) if first_name else _without_name(text)
    return named.replace("{operator}", operator)


def _without_name(text: str) -> str:
    """The text with {first_name} and the comma or spaces before it taken out (a plain split,
    not a pattern: linear on any text)."""
    pieces = text.split("{first_name}")
    kept = pieces[0]
    for piece in pieces[1:]:
        kept = kept.rstrip(", \t")
        kept += piece if kept else piece.lstrip(", ")
    return kept


def _require_supervisor(viewer: StaffMember) -> None:
    if viewer.role is not StaffRole.SUPERVISOR:
        raise Forbidden("only a supervisor can change canned responses")


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
