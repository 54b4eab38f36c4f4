"""The route step: what one customer message gets, decided in one pure function.

:func:`decide` reads a :class:`Situation` (the message, what the conversation remembers, who
is logged in, which features are configured, the intent classifier (asked lazily), the escalation
switches, the handoff) and returns a :class:`Decision`. It calls nothing and changes nothing:
the engine executes the decision and is the only place with side effects. The precedence,
earliest first:

1. A handoff: while an operator owns the conversation the bot is silent; while it is queued
   the customer is told it waits (unless they are mid-step, share a phone, or press the card
   block or callback button); after resolution a 1–5 rates the operator, and within the
   reopen window a message reopens it.
2. The step the conversation waits for: a block confirmation (yes, no, or the customer moved
   on), a card to choose, a one-time code.
3. A phone number from an anonymous customer starts a login; a code-like message with no
   login in progress is explained.
4. A request for a person, a logged-in customer's request to block a card, then fraud and
   complaints (when escalated), then the callback button.
5. Smalltalk, out of scope (by rule, then by example), operations the bot cannot do, someone
   else's data; a customer naming themselves to ask about their account is asked to log in.
6. An account action the classifier (or a button) is sure of; a yes/no with nothing pending.
7. The knowledge base; for an uncertain account intent it offers the action as a button.

After the reply, :func:`count_failure` hands over a conversation whose bot answers failed
twice in a row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

from bot.dialogue import account_rules, escalation
from bot.dialogue.accounts import ACCOUNT_ACTIONS, REQUEST_CALLBACK
from bot.dialogue.handoff import HandoffSnapshot, csat_score
from bot.dialogue.models import HandoffReason, HandoffStatus, IntentMatch, Route
from bot.dialogue.routing import Intent, mentions_banking, route_message
from bot.dialogue.state import ChooseCard, ConfirmBlock, DialogueState

# While a handoff waits in the queue the customer may still do these with the bot.
_ALLOWED_WHILE_QUEUED = frozenset({"block_card", REQUEST_CALLBACK})
_CARD_ACTIONS = frozenset({"block_card", "card_status"})  # a card named in the message counts


@dataclass(frozen=True, slots=True)
class Features:
    """What this installation is wired for (a feature is off when its port is missing)."""

    login: bool = False  # phone + one-time code
    accounts: bool = False  # account actions against the bank's systems
    callbacks: bool = False  # callback requests in the bank's CRM


@dataclass(frozen=True, slots=True)
class Escalation:
    """Which concerns go straight to a person."""

    fraud: bool = True
    complaints: bool = True


@dataclass(frozen=True, slots=True)
class Situation:
    """What the turn knows before deciding."""

    text: str  # the validated message
    state: DialogueState = field(default_factory=DialogueState)
    authenticated: bool = False
    expired: bool = False  # the customer's session ran out at this message
    features: Features = field(default_factory=Features)
    # The intent classifier's match, asked for only when the precedence gets that far (an
    # embedding per call): never for a step's answer, a code, or a message for the operator.
    intent: Callable[[], IntentMatch | None] = lambda: None
    escalation: Escalation = field(default_factory=Escalation)
    handoff: HandoffSnapshot | None = None


@dataclass(frozen=True, slots=True)
class StaySilent:
    """People own the conversation: the message is theirs, the bot says nothing."""


@dataclass(frozen=True, slots=True)
class HoldForOperator:
    """The handoff is queued: the message waits for the operator, and the customer is told."""


@dataclass(frozen=True, slots=True)
class Say:
    """A reply from a template."""

    template: str
    route: Route
    action: str | None = None  # the account action the reply is about


@dataclass(frozen=True, slots=True)
class HandOff:
    reason: HandoffReason


@dataclass(frozen=True, slots=True)
class SendCode:
    phone: str  # E.164


@dataclass(frozen=True, slots=True)
class VerifyCode:
    code: str


@dataclass(frozen=True, slots=True)
class RunAction:
    """An account action for the authenticated customer."""

    action: str
    card_last4: str | None = None
    confirmed: bool = False  # the customer said «да» to the pending block


@dataclass(frozen=True, slots=True)
class RequestCallback:
    """A callback ticket in the CRM for the queued handoff."""


@dataclass(frozen=True, slots=True)
class AskToLogIn:
    """The action needs a login: remember it for after the login, and say ``template``."""

    action: str
    template: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The knowledge base's answer; with ``offer``, that account action is offered as a button
    and asked about when the knowledge base cannot answer."""

    offer: str | None = None


@dataclass(frozen=True, slots=True)
class RateOperator:
    score: int


@dataclass(frozen=True, slots=True)
class ReopenHandoff:
    """The operator who resolved the conversation gets it back."""


@dataclass(frozen=True, slots=True)
class EndStep:
    """The pending account step ends with this message, which then gets ``then``."""

    then: Decision


Decision: TypeAlias = (
    StaySilent
    | HoldForOperator
    | Say
    | HandOff
    | SendCode
    | VerifyCode
    | RunAction
    | RequestCallback
    | AskToLogIn
    | Answer
    | RateOperator
    | ReopenHandoff
    | EndStep
)
# Decisions about the handoff, not bot answers: they never count as failed bot turns.
HANDOFF_SIDE = (StaySilent, HoldForOperator, RateOperator, ReopenHandoff)

_SMALLTALK = {
    Intent.GREETING: Say("greeting", Route.SMALLTALK),
    Intent.THANKS: Say("thanks", Route.SMALLTALK),
    Intent.OUT_OF_SCOPE: Say("out_of_scope", Route.OUT_OF_SCOPE),
}


def decide(situation: Situation) -> Decision:
    """What this message gets; the earlier rule wins (see the module's docstring)."""
    handed_off = _while_handed_off(situation)
    if handed_off is not None:
        return handed_off
    return _pending_step(situation)


def act(
    action: str, situation: Situation, *, card_last4: str | None = None, confirmed: bool = False
) -> Decision:
    """An action the customer asked for, if they may have it now. Also used by the engine for
    the action that waited for a login, once the login succeeded."""
    # Without account actions configured an account action waits for a login it can never
    # get (as it always has): it is remembered, and the customer is asked to log in.
    unavailable = action in ACCOUNT_ACTIONS and not situation.features.accounts
    if not situation.authenticated or unavailable:
        if action == REQUEST_CALLBACK and not situation.expired:
            return AskToLogIn(action, "utter_callback_login")
        return AskToLogIn(action, _login_needed(situation))
    if action == REQUEST_CALLBACK:
        handoff = situation.handoff
        queued = handoff is not None and handoff.status is HandoffStatus.QUEUED
        if situation.features.callbacks and queued:
            return RequestCallback()
        return Say("utter_callback_not_needed", Route.CLARIFY)
    if card_last4 is None and action in _CARD_ACTIONS:
        card_last4 = account_rules.card_digits(situation.text)
    return RunAction(action, card_last4, confirmed)


def count_failure(
    state: DialogueState, route: Route, text: str, limit: int
) -> tuple[DialogueState, HandOff | None]:
    """A bot answer failed (a clarifying question, «не помогло»): the second failure in a row
    goes to a person."""
    failed = route is Route.CLARIFY or (
        route is not Route.HANDOFF and escalation.says_not_helped(text)
    )
    if not failed:
        return state.with_failed_turns(0), None
    count = state.failed_turns + 1
    if count < limit:
        return state.with_failed_turns(count), None
    return state.with_failed_turns(0), HandOff(HandoffReason.REPEATED_FAILURE)


def label(decision: Decision) -> str:
    """A bounded name for logs: never the phone, the code or the customer's words."""
    name = type(decision).__name__
    match decision:
        case Say(template):
            return f"{name}:{template}"
        case HandOff(reason):
            return f"{name}:{reason}"
        case RunAction(action) | AskToLogIn(action) | Answer(action) if action:
            return f"{name}:{action}"
        case EndStep(then):
            return f"{name}+{label(then)}"
    return name


def _while_handed_off(situation: Situation) -> Decision | None:
    handoff, text = situation.handoff, situation.text
    if handoff is None:
        return None
    if handoff.status is HandoffStatus.RESOLVED:
        score = csat_score(text)
        if score is not None and handoff.rating_open:
            return RateOperator(score)
        if score is None and handoff.reopenable:
            return ReopenHandoff()
        return None  # a fresh bot turn
    if handoff.status.owned:
        return StaySilent()
    # Queued: nobody has it yet. The customer may still secure a card or ask for a callback
    # (and log in for either); anything else is kept for the operator.
    if (
        account_rules.command(text) in _ALLOWED_WHILE_QUEUED
        or situation.state.mid_step
        or account_rules.is_mostly_phone(text)
    ):
        return None
    return HoldForOperator()


def _pending_step(situation: Situation) -> Decision:
    text, step = situation.text, situation.state.step
    if isinstance(step, ConfirmBlock):
        answer = account_rules.yes_no(text)
        if answer is None:  # the customer moved on; never block later by surprise
            return EndStep(_code(_step_ended(situation)))
        if not situation.authenticated or not situation.features.accounts:
            return EndStep(Say(_login_needed(situation), Route.AUTH_REQUIRED))
        if not answer:
            return EndStep(Say("utter_block_cancelled", Route.ACTION, action="block_card"))
        return act("block_card", situation, confirmed=True)
    if isinstance(step, ChooseCard):
        after = _step_ended(situation)
        digits = account_rules.card_digits(text)
        if digits and situation.authenticated and len(text) <= 40:
            return EndStep(act(step.action, after, card_last4=digits))
        return EndStep(_code(after))
    return _code(situation)


def _code(situation: Situation) -> Decision:
    """A code typed while a login waits for one."""
    if situation.features.login and situation.state.awaiting_code is not None:
        code = account_rules.extract_code(situation.text)
        if code is not None:
            return VerifyCode(code)
    return _new_message(situation)


def _new_message(situation: Situation) -> Decision:
    text = situation.text
    if not situation.authenticated and situation.features.login:
        phone = account_rules.extract_phone(text)
        if phone and account_rules.is_mostly_phone(text):
            return SendCode(phone)
    if account_rules.extract_code(text) and len(text.strip()) <= 12:
        if not situation.authenticated:  # a code with no login in progress
            return Say("utter_code_without_login", Route.AUTH_REQUIRED)
        return Say("utter_clarify_nothing_pending", Route.CLARIFY)

    routing = route_message(text)
    chosen = account_rules.command(text)
    if routing.intent is Intent.HUMAN_REQUEST:
        return HandOff(HandoffReason.CUSTOMER_REQUEST)
    if (
        situation.authenticated
        and situation.features.accounts
        and account_rules.asks_to_block(text)
    ):
        # Securing the card comes first, even in a fraud report: the block asks which card.
        return act("block_card", situation)
    concern = _concern(text, situation.escalation)
    if concern is not None:
        return HandOff(concern)
    if chosen == REQUEST_CALLBACK:
        return act(REQUEST_CALLBACK, situation)
    if routing.intent in _SMALLTALK:
        return _SMALLTALK[routing.intent]
    if account_rules.asks_operation(text):
        return Say("utter_cannot_do_operations", Route.OUT_OF_SCOPE)
    match = IntentMatch(chosen, 1.0) if chosen in ACCOUNT_ACTIONS else situation.intent()
    conversation = _conversation(match, text)
    if conversation is not None:
        return conversation
    account = match if match is not None and match.action in ACCOUNT_ACTIONS else None
    if account_rules.names_third_party(text, account_question=account is not None):
        return Say("utter_only_own_data", Route.OUT_OF_SCOPE)
    if (
        not situation.authenticated
        and account_rules.identifies_self(text)
        and account_rules.asks_about_own_account(text)
    ):
        # «Меня зовут Анна, телефон …, какой баланс?»: their own data, after a login.
        if account is not None:
            return act(account.action, situation)
        return Say(_login_needed(situation), Route.AUTH_REQUIRED)
    if account is not None and account_rules.asks_procedure(text) and chosen is None:
        # «Что делать, если украли карту?» is a question about the procedure: the knowledge
        # base answers, and the action is offered as a button.
        return Answer(offer=account.action) if situation.features.accounts else Answer()
    if account is not None and (account.certain or account_rules.speaks_of_own(text)):
        # A near match in the first person («хватит мне на покупку?») is about their own
        # account, not the bank's rules.
        return act(account.action, situation)
    if account_rules.yes_no(text) is not None:
        return Say("utter_clarify_nothing_pending", Route.CLARIFY)
    if account is not None and situation.features.accounts:
        # Maybe their own account, maybe the bank's rules: answer from the knowledge base
        # when it can, and offer the account action as a button; ask when it cannot.
        return Answer(offer=account.action)
    return Answer()


_CONVERSATION = {
    "smalltalk": Say("small_talk", Route.SMALLTALK),
    "goodbye": Say("goodbye", Route.SMALLTALK),
    "out_of_scope": Say("out_of_scope", Route.OUT_OF_SCOPE),
}


def _conversation(match: IntentMatch | None, text: str) -> Say | None:
    """Small talk or a request outside banking, recognised by example; a message that names
    a banking subject is a question for the knowledge base however it is phrased."""
    if match is None or match.action not in _CONVERSATION or not match.certain:
        return None
    if match.action == "out_of_scope" and mentions_banking(text):
        return None
    return _CONVERSATION[match.action]


def _concern(text: str, switches: Escalation) -> HandoffReason | None:
    concern = escalation.detect_concern(text)
    if concern is escalation.Concern.FRAUD and switches.fraud:
        return HandoffReason.FRAUD
    if concern is escalation.Concern.COMPLAINT and switches.complaints:
        return HandoffReason.COMPLAINT
    return None


def _step_ended(situation: Situation) -> Situation:
    return dataclasses.replace(situation, state=situation.state.step_ended())


def _login_needed(situation: Situation) -> str:
    return "utter_session_expired" if situation.expired else "utter_auth_required"
