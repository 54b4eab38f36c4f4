"""What the operators' desk needs from storage; ``bot.storage`` implements each, in SQL and
in memory, and ``tests/contract`` runs both through one suite.

The conversations are read through ``Transcripts`` (the store behind the dialogue core's
``ConversationStore`` implements both), the staff through ``bot.staff.ports``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Literal, Protocol

from bot.dialogue.models import (
    AuditEntry,
    Button,
    Conversation,
    Handoff,
    HandoffEvent,
    Passage,
    Resolution,
    StoredMessage,
)
from bot.operators.models import (
    CannedResponse,
    ConversationQuery,
    CustomerProfile,
    DayActivity,
    DayReport,
    FoundConversation,
    Note,
)


class Transcripts(Protocol):
    """The conversations people read: who is in them, what was said, which core systems the
    bot called (the dialogue's ``ConversationStore`` keeps them)."""

    async def get_conversation(self, conversation_id: str) -> Conversation | None: ...

    async def get_message(self, message_id: str) -> StoredMessage | None: ...

    async def list_messages(
        self, conversation_id: str, *, limit: int | None = None
    ) -> list[StoredMessage]: ...

    async def list_audit(
        self,
        *,
        conversation_id: str | None = None,
        customer_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries that match, oldest first."""


class HandoffQueue(Protocol):
    """The handoffs people work on; every change is a compare-and-set plus a feed event."""

    async def open_handoffs(self) -> list[Handoff]:
        """Queued, assigned and active handoffs, oldest first."""

    async def handoff(self, handoff_id: str) -> Handoff | None: ...

    async def take(self, handoff_id: str, operator: str) -> Handoff | None:
        """Exactly one operator wins a queued handoff; None for the others."""

    async def assign(self, handoff_id: str, operator: str, by: str) -> Handoff | None:
        """A supervisor gives an open handoff to ``operator``; None when it is closed."""

    async def resolve(
        self, handoff_id: str, resolution: Resolution, by: str, *, owner: str | None
    ) -> Handoff | None:
        """Close an owned handoff (``owner`` None: anyone's); None when the condition fails."""

    async def add_operator_message(
        self, handoff_id: str, operator: str, author: str, text: str
    ) -> tuple[Handoff, StoredMessage] | None:
        """Store the operator's reply; None unless the handoff is open and theirs."""

    async def add_bot_notice(
        self, handoff: Handoff, text: str, actor: str, buttons: Sequence[Button] = ()
    ) -> StoredMessage:
        """A bot message to the customer outside a turn (joined, resolved, queue timeout)."""

    async def waiting_since(self, before: datetime) -> list[Handoff]:
        """Queued handoffs created before ``before`` that were not offered a callback."""

    async def queue_counts(self) -> dict[str, int]:
        """Open handoffs by ``status:<status>`` and queued ones by ``queued:<priority>``."""


class CannedResponses(Protocol):
    """The canned replies supervisors keep; a shortcut is unique per language."""

    async def list_canned(self) -> list[CannedResponse]:
        """All of them, by shortcut."""

    async def save_canned(
        self, canned_id: str | None, shortcut: str, lang: str, title: str, text: str, by: str
    ) -> CannedResponse | None:
        """Create (``canned_id`` None) or replace one; None when the shortcut and language
        are another's, or ``canned_id`` does not exist."""

    async def delete_canned(self, canned_id: str) -> bool: ...


class HandoffNotes(Protocol):
    async def add_note(self, handoff_id: str, author: str, author_name: str, text: str) -> Note:
        """A private note on ``handoff_id`` (which exists)."""

    async def notes(self, handoff_id: str) -> list[Note]:
        """Oldest first."""


class ConversationSearch(Protocol):
    async def search(self, query: ConversationQuery) -> list[FoundConversation]:
        """Newest first, at most ``query.limit``."""


class InboxStore(CannedResponses, HandoffNotes, ConversationSearch, Protocol):
    """The inbox's records: canned responses, private notes, the search of conversations."""


Who = Literal["customer", "operator"]


class TypingStore(Protocol):
    """Who is typing in which conversation, for a few seconds (``bot.operators.typing``)."""

    async def mark(self, conversation_id: str, who: Who) -> None: ...

    async def typing(self, conversation_id: str, who: Who) -> bool: ...


class EventLog(Protocol):
    """The operators' ordered feed: every handoff change and message, by increasing id."""

    async def events_after(self, after: int, limit: int = 200) -> list[HandoffEvent]: ...

    async def last_event_id(self) -> int:
        """0 when there is none."""


class Presence(Protocol):
    """Who has a console open, on any replica."""

    def present(self, login: str) -> AbstractAsyncContextManager[None]:
        """``login`` counts as online while this is entered (one per open console)."""

    async def online(self) -> set[str]:
        """Logins with at least one console open."""

    async def set_away(self, login: str, away: bool) -> None:
        """The operator stepped away (or is back): no conversation is given to them."""

    async def away(self) -> set[str]:
        """Logins marked away (whether or not a console is open)."""


class EventNotices(Protocol):
    """A push when the feed has new events, from whichever process wrote them."""

    async def listen(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` on every notice until cancelled; reconnects by itself."""


class Reports(Protocol):
    async def day_report(self, day: datetime) -> DayReport:
        """Conversations, handoffs, waits, CSAT and callbacks of ``day`` (UTC)."""

    async def day_activity(self, day: datetime) -> DayActivity:
        """The bot's replies of ``day`` (UTC) by route and by what gave them, and ratings."""


class UnansweredTopics(Protocol):
    """What customers asked that the bot could not answer, grouped (the content team's gaps)."""

    async def top(self, days: float, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` largest groups of the last ``days``: a masked example, its size."""


class CustomerProfiles(Protocol):
    """Who an authenticated customer is, for the operator (the bank's ABS)."""

    async def profile(self, customer_id: str) -> CustomerProfile | None:
        """None when the bank's systems cannot say."""


class KnowledgeSearch(Protocol):
    """The knowledge base's passages for an operator's search."""

    async def search(self, query: str, k: int) -> list[Passage]: ...
