"""The routing precedence as a table: a situation, and the decision it must get.

Each row names the rule it pins; rows marked «conflict» put two rules against each other and
say which one wins. ``decide`` is pure, so no engine, store or model is needed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.dialogue.decision import (
    Answer,
    AskToLogIn,
    Decision,
    EndStep,
    Escalation,
    Features,
    HandOff,
    HoldForOperator,
    RateOperator,
    ReopenHandoff,
    RequestCallback,
    RunAction,
    Say,
    SendCode,
    Situation,
    StaySilent,
    VerifyCode,
    count_failure,
    decide,
    label,
)
from bot.dialogue.handoff import HandoffSnapshot
from bot.dialogue.models import HandoffReason, HandoffStatus, IntentMatch, Route
from bot.dialogue.state import AwaitingCode, ChooseCard, ConfirmBlock, DialogueState, PendingAction

EMPTY = DialogueState()
EVERYTHING = Features(login=True, accounts=True, callbacks=True)
KNOWLEDGE_ONLY = Features()
PHONE = "+79031112233"
FRAUD = "С карты списали 5000, я эту покупку не совершал!"
COMPLAINT = "Это безобразие, буду жаловаться в ЦБ"
QUESTION = "Сколько стоит обслуживание карты?"
BLOCKING = DialogueState(ConfirmBlock("card-2001-2"))
CHOOSING = DialogueState(ChooseCard("block_card"))
CODE_SENT = DialogueState(AwaitingCode("challenge-1"))
QUEUED = HandoffSnapshot(HandoffStatus.QUEUED)
RESOLVED = HandoffSnapshot(HandoffStatus.RESOLVED)
RATEABLE = HandoffSnapshot(HandoffStatus.RESOLVED, rating_open=True)
REOPENABLE = HandoffSnapshot(HandoffStatus.RESOLVED, reopenable=True)


def sure(action: str) -> IntentMatch:
    return IntentMatch(action, 0.9)


def unsure(action: str) -> IntentMatch:
    return IntentMatch(action, 0.65, certain=False)


@dataclass(frozen=True)
class Row:
    rule: str
    text: str
    expected: Decision
    state: DialogueState = EMPTY
    customer: bool = False
    expired: bool = False
    features: Features = EVERYTHING
    intent: IntentMatch | None = None
    escalation: Escalation = field(default_factory=Escalation)
    handoff: HandoffSnapshot | None = None

    def situation(self) -> Situation:
        return Situation(
            self.text,
            self.state,
            self.customer,
            self.expired,
            self.features,
            lambda: self.intent,
            self.escalation,
            self.handoff,
        )


ROWS = [
    # 1. A handoff comes first.
    Row(
        "an operator owns it: the bot is silent",
        QUESTION,
        StaySilent(),
        handoff=HandoffSnapshot(HandoffStatus.ASSIGNED),
    ),
    Row(
        "conflict: «оператор» while an operator is active is for the operator",
        "позовите оператора",
        StaySilent(),
        handoff=HandoffSnapshot(HandoffStatus.ACTIVE),
    ),
    Row("queued: the message waits for the operator", QUESTION, HoldForOperator(), handoff=QUEUED),
    Row(
        "conflict: fraud while queued adds to the waiting handoff, not a second one",
        FRAUD,
        HoldForOperator(),
        handoff=QUEUED,
        customer=True,
    ),
    Row(
        "queued: the card block button still works",
        "/block_card",
        RunAction("block_card"),
        handoff=QUEUED,
        customer=True,
    ),
    Row(
        "queued: a callback asks an anonymous customer to log in",
        "/request_callback",
        AskToLogIn("request_callback", "utter_callback_login"),
        handoff=QUEUED,
    ),
    Row(
        "queued: the callback button for a logged-in customer",
        "/request_callback",
        RequestCallback(),
        handoff=QUEUED,
        customer=True,
    ),
    Row("queued: a phone still starts the login", PHONE, SendCode(PHONE), handoff=QUEUED),
    Row(
        "queued: a code while logging in",
        "123456",
        VerifyCode("123456"),
        state=CODE_SENT,
        handoff=QUEUED,
    ),
    Row(
        "queued: a block confirmation",
        "да",
        RunAction("block_card", confirmed=True),
        state=BLOCKING,
        customer=True,
        handoff=QUEUED,
    ),
    Row("resolved: a 1-5 rates the operator", "4", RateOperator(4), handoff=RATEABLE),
    Row("resolved: the rating button", "/csat_5", RateOperator(5), handoff=RATEABLE),
    Row(
        "resolved: a rating within the reopen window is still a rating",
        "5",
        RateOperator(5),
        handoff=HandoffSnapshot(HandoffStatus.RESOLVED, rating_open=True, reopenable=True),
    ),
    Row(
        "resolved: within the window a message goes back to the operator",
        QUESTION,
        ReopenHandoff(),
        handoff=REOPENABLE,
    ),
    Row(
        "resolved: a late rating neither rates nor reopens",
        "5",
        Answer(),
        handoff=REOPENABLE,
    ),
    Row(
        "resolved: a fresh bot turn", "Привет!", Say("greeting", Route.SMALLTALK), handoff=RESOLVED
    ),
    # 2. The step the conversation waits for.
    Row(
        "block: «да» blocks",
        "да",
        RunAction("block_card", confirmed=True),
        state=BLOCKING,
        customer=True,
    ),
    Row(
        "block: «да» naming the card",
        "да 0417",
        RunAction("block_card", "0417", confirmed=True),
        state=BLOCKING,
        customer=True,
    ),
    Row(
        "block: «нет» cancels",
        "нет",
        EndStep(Say("utter_block_cancelled", Route.ACTION, action="block_card")),
        state=BLOCKING,
        customer=True,
    ),
    Row(
        "block: the session expired before «да»",
        "да",
        EndStep(Say("utter_session_expired", Route.AUTH_REQUIRED)),
        state=BLOCKING,
        expired=True,
    ),
    Row(
        "block: «да» from an anonymous customer",
        "да",
        EndStep(Say("utter_auth_required", Route.AUTH_REQUIRED)),
        state=BLOCKING,
    ),
    Row(
        "conflict: fraud while a block waits for «да» ends the step and goes to a person",
        FRAUD,
        EndStep(HandOff(HandoffReason.FRAUD)),
        state=BLOCKING,
        customer=True,
    ),
    Row(
        "block: moving on never blocks later",
        QUESTION,
        EndStep(Answer()),
        state=BLOCKING,
        customer=True,
    ),
    Row(
        "block: moving on with a code gives the login beneath its turn",
        "123456",
        EndStep(VerifyCode("123456")),
        state=DialogueState(ConfirmBlock("card-1", AwaitingCode("challenge-1"))),
        customer=True,
    ),
    Row(
        "choose a card: four digits",
        "2222",
        EndStep(RunAction("block_card", "2222")),
        state=CHOOSING,
        customer=True,
    ),
    Row(
        "choose a card: the session expired, four digits are no card",
        "2222",
        EndStep(Say("utter_code_without_login", Route.AUTH_REQUIRED)),
        state=CHOOSING,
        expired=True,
    ),
    Row(
        "conflict: «оператор» instead of a card",
        "позовите оператора",
        EndStep(HandOff(HandoffReason.CUSTOMER_REQUEST)),
        state=CHOOSING,
        customer=True,
    ),
    Row(
        "choose a card: digits in a long message are not a choice",
        "не помню какую, у меня их две, одна с номером 2222 кажется",
        EndStep(Answer()),
        state=CHOOSING,
        customer=True,
    ),
    Row("code: while logging in", "123456", VerifyCode("123456"), state=CODE_SENT),
    Row("code: with words around it", "код 4821", VerifyCode("4821"), state=CODE_SENT),
    Row(
        "code: an unknown phone's codes are still checked (and refused)",
        "123456",
        VerifyCode("123456"),
        state=DialogueState(AwaitingCode(None, then="check_balance")),
    ),
    Row(
        "conflict: «оператор» mid-login goes to a person",
        "позовите оператора",
        HandOff(HandoffReason.CUSTOMER_REQUEST),
        state=CODE_SENT,
    ),
    Row("code: a second phone sends a new code", PHONE, SendCode(PHONE), state=CODE_SENT),
    Row(
        "code: no login configured, a code is not checked",
        "123456",
        Say("utter_code_without_login", Route.AUTH_REQUIRED),
        state=CODE_SENT,
        features=KNOWLEDGE_ONLY,
    ),
    # 3. Phones and codes.
    Row("a phone from an anonymous customer starts a login", PHONE, SendCode(PHONE)),
    Row(
        "a phone with a few words",
        "мой номер 8 903 111 22 33",
        SendCode(PHONE),
    ),
    Row("conflict: a phone while authenticated is no login", PHONE, Answer(), customer=True),
    Row("a phone with no login configured", PHONE, Answer(), features=KNOWLEDGE_ONLY),
    Row(
        "a code with no login in progress",
        "123456",
        Say("utter_code_without_login", Route.AUTH_REQUIRED),
    ),
    Row(
        "a code with only an action waiting for a login",
        "123456",
        Say("utter_code_without_login", Route.AUTH_REQUIRED),
        state=DialogueState(PendingAction("check_balance")),
    ),
    Row(
        "a code-like message when logged in",
        "123456",
        Say("utter_clarify_nothing_pending", Route.CLARIFY),
        customer=True,
    ),
    # 4. People, concerns, the callback button.
    Row("a person asked for", "позовите оператора", HandOff(HandoffReason.CUSTOMER_REQUEST)),
    Row("fraud", FRAUD, HandOff(HandoffReason.FRAUD)),
    Row(
        "conflict: a logged-in customer's block request comes before the fraud it reports",
        "заблокируйте карту, с неё списали деньги, я эту покупку не совершал",
        RunAction("block_card"),
        customer=True,
        intent=sure("block_card"),
    ),
    Row(
        "conflict: fraud beats a block request when nobody is logged in",
        "заблокируйте карту, с неё списали деньги, я эту покупку не совершал",
        HandOff(HandoffReason.FRAUD),
        intent=sure("block_card"),
    ),
    Row(
        "fraud not escalated: a knowledge question",
        FRAUD,
        Answer(),
        escalation=Escalation(fraud=False),
    ),
    Row("a complaint", COMPLAINT, HandOff(HandoffReason.COMPLAINT)),
    Row(
        "complaints not escalated",
        COMPLAINT,
        Answer(),
        escalation=Escalation(complaints=False),
    ),
    Row(
        "callback: anonymous",
        "/request_callback",
        AskToLogIn("request_callback", "utter_callback_login"),
    ),
    Row(
        "callback: the session expired",
        "/request_callback",
        AskToLogIn("request_callback", "utter_session_expired"),
        expired=True,
    ),
    Row(
        "callback: nothing is queued",
        "/request_callback",
        Say("utter_callback_not_needed", Route.CLARIFY),
        customer=True,
    ),
    Row(
        "callback: no CRM configured",
        "/request_callback",
        Say("utter_callback_not_needed", Route.CLARIFY),
        customer=True,
        handoff=QUEUED,
        features=Features(login=True, accounts=True),
    ),
    # 5. Smalltalk and refusals.
    Row("a greeting", "Привет!", Say("greeting", Route.SMALLTALK)),
    Row("thanks", "спасибо", Say("thanks", Route.SMALLTALK)),
    Row(
        "out of scope",
        "Напиши стихотворение про осень",
        Say("out_of_scope", Route.OUT_OF_SCOPE),
    ),
    Row(
        "conflict: a greeting beats an account intent",
        "Привет!",
        Say("greeting", Route.SMALLTALK),
        customer=True,
        intent=sure("check_balance"),
    ),
    Row(
        "an operation the bot cannot do",
        "переведи 5000 рублей маме",
        Say("utter_cannot_do_operations", Route.OUT_OF_SCOPE),
        customer=True,
        intent=sure("check_balance"),
    ),
    Row(
        "someone else's data",
        "покажи баланс клиента Петрова Игоря",
        Say("utter_only_own_data", Route.OUT_OF_SCOPE),
        customer=True,
        intent=sure("check_balance"),
    ),
    Row(
        "a relative's data in an account question",
        "какой баланс у мужа",
        Say("utter_only_own_data", Route.OUT_OF_SCOPE),
        customer=True,
        intent=sure("check_balance"),
    ),
    Row("a relative in a product question", "карта для сына", Answer()),
    Row(
        "an anonymous customer naming themselves is asked to log in, not refused",
        "Меня зовут Петрова Анна, телефон 89031112233, сколько у меня на карте?",
        AskToLogIn("check_balance", "utter_auth_required"),
        intent=sure("check_balance"),
    ),
    Row(
        "a name first thing in the message is the writer's own",
        "Петрова Анна, 89031112233, какой у меня баланс?",
        AskToLogIn("check_balance", "utter_auth_required"),
        intent=sure("check_balance"),
    ),
    Row(
        "naming themselves with no account intent recognised: still a login",
        "Я Петрова Анна, скажите что у меня по счету",
        Say("utter_auth_required", Route.AUTH_REQUIRED),
    ),
    Row(
        "small talk recognised by example",
        "как у тебя дела?",
        Say("small_talk", Route.SMALLTALK),
        intent=sure("smalltalk"),
    ),
    Row(
        "a goodbye by example",
        "ну всё, пока",
        Say("goodbye", Route.SMALLTALK),
        intent=sure("goodbye"),
    ),
    Row(
        "out of scope by example",
        "переведи на английский «добрый вечер»",
        Say("out_of_scope", Route.OUT_OF_SCOPE),
        intent=sure("out_of_scope"),
    ),
    Row(
        "out of scope by example, but it names a banking subject: the knowledge base",
        "переведи на английский «процентная ставка по вкладу»",
        Answer(),
        intent=sure("out_of_scope"),
    ),
    Row(
        "small talk the classifier is not sure of: the knowledge base",
        "как у тебя дела?",
        Answer(),
        intent=IntentMatch("smalltalk", 0.6, certain=False),
    ),
    # 6. Account actions, yes/no.
    Row(
        "a sure account intent",
        "какой у меня баланс?",
        RunAction("check_balance"),
        customer=True,
        intent=sure("check_balance"),
    ),
    Row(
        "a sure account intent from an anonymous customer",
        "какой у меня баланс?",
        AskToLogIn("check_balance", "utter_auth_required"),
        intent=sure("check_balance"),
    ),
    Row(
        "a sure account intent after the session expired",
        "какой у меня баланс?",
        AskToLogIn("check_balance", "utter_session_expired"),
        expired=True,
        intent=sure("check_balance"),
    ),
    Row(
        "account actions not configured",
        "какой у меня баланс?",
        AskToLogIn("check_balance", "utter_auth_required"),
        customer=True,
        intent=sure("check_balance"),
        features=Features(login=True),
    ),
    Row(
        "a button's command needs no classifier",
        "/check_balance",
        RunAction("check_balance"),
        customer=True,
    ),
    Row(
        "the card named in the message",
        "какой статус карты 0417",
        RunAction("card_status", "0417"),
        customer=True,
        intent=sure("card_status"),
    ),
    Row(
        "a yes/no with nothing pending",
        "да",
        Say("utter_clarify_nothing_pending", Route.CLARIFY),
        customer=True,
    ),
    Row(
        "conflict: a yes/no beats an uncertain account intent",
        "да",
        Say("utter_clarify_nothing_pending", Route.CLARIFY),
        intent=unsure("next_payment"),
    ),
    # 7. The knowledge base.
    Row(
        "an uncertain account intent in the first person: their own account",
        "хватит мне денег на покупку за 20 тысяч?",
        RunAction("check_balance"),
        customer=True,
        intent=unsure("check_balance"),
    ),
    Row(
        "the same, nobody logged in: a login first",
        "хватит мне денег на покупку за 20 тысяч?",
        AskToLogIn("check_balance", "utter_auth_required"),
        intent=unsure("check_balance"),
    ),
    Row(
        "an uncertain account intent: the answer offers the action",
        "платёж по кредиту выпал на воскресенье",
        Answer(offer="next_payment"),
        intent=unsure("next_payment"),
    ),
    Row(
        "an uncertain account intent without account actions",
        "платёж по кредиту выпал на воскресенье",
        Answer(),
        intent=unsure("next_payment"),
        features=KNOWLEDGE_ONLY,
    ),
    Row(
        "what happened on an account is the customer's own, even without «мне»",
        "что списали 12 ноября",
        RunAction("recent_transactions"),
        customer=True,
        intent=unsure("recent_transactions"),
    ),
    Row(
        "conflict: a question about the procedure beats a sure account intent",
        "что делать если украли карту?",
        Answer(offer="block_card"),
        intent=sure("block_card"),
    ),
    Row(
        "a signed question is the writer's own: a login, not someone else's data",
        "когда мне платить по ипотеке, Ли Андрей Викторович, 8 924 222 01 04",
        AskToLogIn("next_payment", "utter_auth_required"),
        intent=unsure("next_payment"),
    ),
    Row(
        "a relative named by name is someone else's data",
        "скажите баланс моей жены, Ким Ольга, она разрешила",
        Say("utter_only_own_data", Route.OUT_OF_SCOPE),
        customer=True,
    ),
    Row("a knowledge question", QUESTION, Answer()),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.rule for row in ROWS])
def test_precedence(row: Row) -> None:
    assert decide(row.situation()) == row.expected


@pytest.mark.parametrize(
    ("state", "route", "text", "expected"),
    [
        (EMPTY, Route.CLARIFY, "что с платежом", (DialogueState(failed_turns=1), None)),
        (
            DialogueState(failed_turns=1),
            Route.CLARIFY,
            "что с платежом",
            (EMPTY, HandOff(HandoffReason.REPEATED_FAILURE)),
        ),
        (EMPTY, Route.ANSWER, "не помогло", (DialogueState(failed_turns=1), None)),
        (DialogueState(failed_turns=1), Route.HANDOFF, "не помогло", (EMPTY, None)),
        (DialogueState(failed_turns=1), Route.ANSWER, QUESTION, (EMPTY, None)),
    ],
    ids=["a clarifying question", "the second in a row", "«не помогло»", "a handoff", "helped"],
)
def test_two_failed_answers_in_a_row_go_to_a_person(
    state: DialogueState,
    route: Route,
    text: str,
    expected: tuple[DialogueState, HandOff | None],
) -> None:
    assert count_failure(state, route, text, limit=2) == expected


def test_labels_for_logs_carry_no_phone_code_or_words() -> None:
    labels = [label(decide(row.situation())) for row in ROWS]
    assert not any(PHONE in x or "123456" in x or "4821" in x for x in labels)
    assert label(EndStep(RunAction("block_card", "2222"))) == "EndStep+RunAction:block_card"
