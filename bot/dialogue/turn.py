"""What every handling step shares: the turn being handled, the audit recorder, the observer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.dialogue.models import AuditEntry, Handoff, HandoffReason, Lang, Route, StoredMessage
from bot.dialogue.ports import ConversationStore, ReplySink
from bot.dialogue.state import DialogueState


@dataclass(slots=True)
class Turn:
    """One customer message being handled, with what the handling steps need."""

    conversation_id: str
    stored: StoredMessage
    history: list[StoredMessage]
    text: str
    lang: Lang
    customer: str | None  # from the authenticated session only
    expired: bool
    state: DialogueState  # replaced as the turn's steps change it; stored at the end
    sink: ReplySink
    handoff: Handoff | None = None  # the conversation's latest handoff when the turn began
    typed_phone_login: bool = True  # ``IncomingMessage.typed_phone_login``


class EngineObserver(Protocol):
    """Metrics hook; implementations must record no personal data."""

    def stage(self, name: str, seconds: float) -> None: ...

    def routed(self, route: Route) -> None: ...

    def handoff(self, reason: HandoffReason) -> None: ...

    def audited(self, entry: AuditEntry) -> None: ...

    def feedback(self, positive: bool) -> None: ...

    def csat(self, score: int) -> None: ...

    def knowledge(self, outcome: str) -> None:
        """What became of a knowledge question: ``written``, ``quoted``, ``faq``, ``cache``,
        or why no answer was given: ``abstained``, ``ungrounded``, ``not_found``."""


class NullObserver:
    def stage(self, name: str, seconds: float) -> None:
        pass

    def routed(self, route: Route) -> None:
        pass

    def handoff(self, reason: HandoffReason) -> None:
        pass

    def audited(self, entry: AuditEntry) -> None:
        pass

    def feedback(self, positive: bool) -> None:
        pass

    def csat(self, score: int) -> None:
        pass

    def knowledge(self, outcome: str) -> None:
        pass


class AuditRecorder:
    """The engine's ``AuditLog``: each call to the core systems becomes a row in the store's
    audit log and a count in the metrics."""

    def __init__(self, store: ConversationStore, observer: EngineObserver) -> None:
        self._store = store
        self._observer = observer

    async def add_audit(self, entry: AuditEntry) -> None:
        await self._store.add_audit(entry)
        self._observer.audited(entry)
