"""DialogueState: every transition the dialogue makes, and a JSON form that never breaks a
conversation (each shape round-trips; anything unreadable is an empty state)."""

from __future__ import annotations

import json

import pytest

from bot.dialogue.state import (
    AwaitingCode,
    ChooseCard,
    ConfirmBlock,
    DialogueState,
    PendingAction,
)

EMPTY = DialogueState()
SHAPES = [
    EMPTY,
    DialogueState(failed_turns=1),
    DialogueState(AwaitingCode("challenge-1")),
    DialogueState(AwaitingCode(None, failures=2, then="check_balance")),
    DialogueState(PendingAction("request_callback")),
    DialogueState(ConfirmBlock("card-2001-2")),
    DialogueState(ChooseCard("block_card")),
    DialogueState(ConfirmBlock("card-1", AwaitingCode("challenge-2", 1, "next_payment"))),
    DialogueState(ChooseCard("card_status", PendingAction("check_balance")), failed_turns=1),
]


@pytest.mark.parametrize("state", SHAPES, ids=repr)
def test_every_shape_survives_json(state: DialogueState) -> None:
    stored = json.loads(json.dumps(state.to_json()))
    assert stored["version"] == 1
    assert DialogueState.from_json(stored) == state


@pytest.mark.parametrize(
    "document",
    [
        None,
        "login_challenge",
        [],
        {},
        {"pending_block_card": "card-1"},  # the string keys before version 1
        {"version": 2, "pending": None, "failed_turns": 0},
        {"version": 1, "pending": {"kind": "teleport"}, "failed_turns": 0},
        {"version": 1, "pending": {"kind": "confirm_block"}, "failed_turns": 0},
        {"version": 1, "pending": {"kind": "confirm_block", "card_id": ""}, "failed_turns": 0},
        {"version": 1, "pending": {"kind": "choose_card", "action": 5}, "failed_turns": 0},
        {"version": 1, "pending": None, "failed_turns": -1},
        {"version": 1, "pending": None, "failed_turns": "2"},
        {"version": 1, "pending": None, "failed_turns": True},
        {
            "version": 1,
            "pending": {
                "kind": "confirm_block",
                "card_id": "card-1",
                "login": {"kind": "choose_card", "action": "block_card"},  # not a login
            },
            "failed_turns": 0,
        },
        {"version": 1, "pending": {"kind": "awaiting_code", "failures": 0}, "failed_turns": 0},
    ],
    ids=repr,
)
def test_an_unreadable_document_is_an_empty_state(document: object) -> None:
    assert DialogueState.from_json(document) == EMPTY


def test_a_code_sent_after_an_anonymous_question_keeps_the_question() -> None:
    asked = EMPTY.remembering("check_balance")
    assert asked == DialogueState(PendingAction("check_balance"))
    sent = asked.code_sent("challenge-1")
    assert sent.pending == AwaitingCode("challenge-1", then="check_balance")
    assert sent.awaiting_code is not None and sent.mid_step


def test_wrong_codes_count_across_resends_and_end_with_the_login() -> None:
    state = EMPTY.code_sent(None).code_failed().code_sent("challenge-2").code_failed()
    assert state.pending == AwaitingCode("challenge-2", failures=2)
    assert state.login_ended() == EMPTY


def test_a_verified_login_hands_over_the_action_asked_before() -> None:
    state = EMPTY.code_sent("challenge-1").remembering("request_callback").login_ended()
    assert state == DialogueState(PendingAction("request_callback"))
    action, after = state.take_action()
    assert (action, after) == ("request_callback", EMPTY)
    assert EMPTY.take_action() == (None, EMPTY)


def test_an_account_step_on_top_of_a_login_under_way_gives_it_back_when_it_ends() -> None:
    """Logged in on the bank's site while a phone login was under way: the login waits."""
    login = AwaitingCode("challenge-1", then="check_balance")
    blocking = DialogueState(login).with_step(ConfirmBlock("card-1"))
    assert blocking.pending == ConfirmBlock("card-1", login)
    assert blocking.awaiting_code == login and blocking.step == ConfirmBlock("card-1", login)
    choosing = blocking.with_step(ChooseCard("block_card"))
    assert choosing.pending == ChooseCard("block_card", login), "one step replaces the other"
    assert choosing.step_ended() == DialogueState(login)
    failed = choosing.code_failed()
    assert failed.pending == ChooseCard(
        "block_card", AwaitingCode("challenge-1", 1, "check_balance")
    )


def test_nothing_pending_survives_a_logout_but_the_failure_count_does() -> None:
    state = DialogueState(ConfirmBlock("card-1", PendingAction("check_balance")), failed_turns=1)
    assert state.logged_out() == DialogueState(failed_turns=1)
    assert not DialogueState(PendingAction("check_balance")).mid_step
