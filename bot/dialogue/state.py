"""What a conversation remembers between messages: the step it waits for, and a counter.

``DialogueState.pending`` is what the next message may answer:

- :class:`AwaitingCode` — a one-time code was sent (or the phone is unknown to the bank); it
  also keeps the wrong codes so far and the action to run once the code proves who it is;
- :class:`PendingAction` — an action asked for while anonymous, run right after a login;
- :class:`ConfirmBlock` — a card block waiting for «да»;
- :class:`ChooseCard` — an action waiting for the customer to name one of their cards.

The first two are the login side, the last two account steps. An account step starts only for
an authenticated customer; if one starts while a phone login is still under way (the customer
logged in on the bank's site meanwhile), that login waits beneath the step (``login``) and is
back on top when the step ends, as it was.

Every change is a method returning a new state. The state is stored as a versioned JSON
document (:meth:`DialogueState.to_json` / :meth:`DialogueState.from_json`); a document this
version cannot read is an empty state, never an error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

VERSION = 1


@dataclass(frozen=True, slots=True)
class AwaitingCode:
    """A one-time code is on its way; the next code the customer types is checked."""

    challenge_id: str | None  # the bank's challenge; None: unknown phone, codes are refused
    failures: int = 0  # wrong codes in this conversation, kept when a new code is sent
    then: str | None = None  # asked for while anonymous: runs once the code is verified
    phone: str | None = None  # the phone's digest (never the number): attempts per phone


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action asked for while anonymous; it runs right after a phone login."""

    action: str


LoginStep: TypeAlias = AwaitingCode | PendingAction


@dataclass(frozen=True, slots=True)
class ConfirmBlock:
    """The bank is ready to block this card once the customer says «да»."""

    card_id: str
    login: LoginStep | None = None  # a login under way when the step began


@dataclass(frozen=True, slots=True)
class ChooseCard:
    """``action`` waits for the customer to name one of their cards."""

    action: str
    login: LoginStep | None = None  # a login under way when the step began


AccountStep: TypeAlias = ConfirmBlock | ChooseCard
Pending: TypeAlias = AwaitingCode | PendingAction | ConfirmBlock | ChooseCard


@dataclass(frozen=True, slots=True)
class DialogueState:
    pending: Pending | None = None
    failed_turns: int = 0  # bot answers in a row that did not help

    @property
    def login(self) -> LoginStep | None:
        """The login side, on top or waiting beneath an account step."""
        if isinstance(self.pending, ConfirmBlock | ChooseCard):
            return self.pending.login
        return self.pending

    @property
    def step(self) -> AccountStep | None:
        """The account step the next message may answer."""
        return self.pending if isinstance(self.pending, ConfirmBlock | ChooseCard) else None

    @property
    def awaiting_code(self) -> AwaitingCode | None:
        login = self.login
        return login if isinstance(login, AwaitingCode) else None

    @property
    def mid_step(self) -> bool:
        """The customer is in the middle of something: a code, a confirmation, a card."""
        return self.step is not None or self.awaiting_code is not None

    def with_step(self, step: AccountStep | None) -> DialogueState:
        """The account step an action left (None: none); a login under way stays beneath."""
        login = self.login
        return self._pending(dataclasses.replace(step, login=login) if step else login)

    def step_ended(self) -> DialogueState:
        return self.with_step(None)

    def remembering(self, action: str) -> DialogueState:
        """``action`` runs after the next login (the latest one asked for wins)."""
        login = self.login
        if isinstance(login, AwaitingCode):
            return self._login(dataclasses.replace(login, then=action))
        return self._login(PendingAction(action))

    def code_sent(self, challenge_id: str | None, phone: str | None = None) -> DialogueState:
        """A code was sent to the phone of digest ``phone`` (``challenge_id`` None: the phone
        is unknown); failures and the action stay."""
        login = self.login
        if isinstance(login, AwaitingCode):
            return self._login(dataclasses.replace(login, challenge_id=challenge_id, phone=phone))
        then = login.action if login is not None else None
        return self._login(AwaitingCode(challenge_id, then=then, phone=phone))

    def code_failed(self) -> DialogueState:
        login = self.awaiting_code
        if login is None:
            return self
        return self._login(dataclasses.replace(login, failures=login.failures + 1))

    def login_ended(self) -> DialogueState:
        """The code is spent (verified, expired, locked…); an action asked for stays."""
        login = self.awaiting_code
        if login is None:
            return self
        return self._login(PendingAction(login.then) if login.then else None)

    def take_action(self) -> tuple[str | None, DialogueState]:
        """The action waiting for a login, and the state without it."""
        login = self.login
        if isinstance(login, PendingAction):
            return login.action, self._login(None)
        return None, self

    def logged_out(self) -> DialogueState:
        """Nothing pending survives a logout; the failure counter does."""
        return dataclasses.replace(self, pending=None)

    def with_failed_turns(self, count: int) -> DialogueState:
        return dataclasses.replace(self, failed_turns=count)

    def _login(self, login: LoginStep | None) -> DialogueState:
        step = self.step
        return self._pending(dataclasses.replace(step, login=login) if step else login)

    def _pending(self, pending: Pending | None) -> DialogueState:
        return dataclasses.replace(self, pending=pending)

    def to_json(self) -> dict[str, object]:
        """The state as a JSON document (the store's ``conversations.state`` column)."""
        return {
            "version": VERSION,
            "pending": _pending_json(self.pending),
            "failed_turns": self.failed_turns,
        }

    @classmethod
    def from_json(cls, document: object) -> DialogueState:
        """The state in ``document``; an empty state for anything unreadable."""
        if not isinstance(document, Mapping) or document.get("version") != VERSION:
            return cls()
        field = _fields(document)
        try:
            return cls(_pending_of(field("pending")), _count(field("failed_turns")))
        except _Unreadable:
            return cls()


class _Unreadable(Exception):
    pass


def _pending_json(pending: Pending | None) -> dict[str, object] | None:
    match pending:
        case None:
            return None
        case AwaitingCode(challenge_id, failures, then, phone):
            return {
                "kind": "awaiting_code",
                "challenge_id": challenge_id,
                "failures": failures,
                "then": then,
                "phone": phone,
            }
        case PendingAction(action):
            return {"kind": "pending_action", "action": action}
        case ConfirmBlock(card_id, login):
            return {"kind": "confirm_block", "card_id": card_id, "login": _pending_json(login)}
        case ChooseCard(action, login):
            return {"kind": "choose_card", "action": action, "login": _pending_json(login)}


def _pending_of(raw: object) -> Pending | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _Unreadable
    field = _fields(raw)
    match raw.get("kind"):
        case "awaiting_code":
            return AwaitingCode(
                _optional_text(field("challenge_id")),
                _count(field("failures")),
                _optional_text(field("then")),
                _optional_text(raw.get("phone")),  # absent in states stored before it
            )
        case "pending_action":
            return PendingAction(_text(field("action")))
        case "confirm_block":
            return ConfirmBlock(_text(field("card_id")), _login_of(field("login")))
        case "choose_card":
            return ChooseCard(_text(field("action")), _login_of(field("login")))
    raise _Unreadable


def _fields(raw: Mapping[str, object]) -> Callable[[str], object]:
    """Reads a key that must be there (``to_json`` writes every one, null or not)."""

    def field(name: str) -> object:
        if name not in raw:
            raise _Unreadable
        return raw[name]

    return field


def _login_of(raw: object) -> LoginStep | None:
    login = _pending_of(raw)
    if login is None or isinstance(login, AwaitingCode | PendingAction):
        return login
    raise _Unreadable


def _text(raw: object) -> str:
    if isinstance(raw, str) and raw:
        return raw
    raise _Unreadable


def _optional_text(raw: object) -> str | None:
    return None if raw is None else _text(raw)


def _count(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    raise _Unreadable
