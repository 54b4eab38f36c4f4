"""The account actions' contract: what the dialogue's account steps rely on from
``AccountActions``, run against ``FakeAccountActions`` and against ``RasaAccountActions`` (the
rasa-sdk actions through rasa-sdk's executor, in-process, over real HTTP to the sandbox ABS;
the standalone action server is tested end to end in ``tests/e2e``).

Both banks hold the same customers (``tests/contract/bank.py``), so the contract states the
demo bank's own figures: the templates the channel renders and the exact values they get.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.banking import FakeAccountActions, FakeBank, RasaAccountActions
from bot.dialogue.accounts import ACCOUNT_ACTIONS
from bot.dialogue.errors import CoreUnavailable
from bot.dialogue.models import ActionResult
from bot.dialogue.ports import AccountActions
from integrations.core_banking.actions import ACTIONS
from integrations.core_banking.sandbox import BankData
from tests.contract.bank import (
    BLOCKS_A_CARD,
    TWO_ACTIVE_CARDS,
    BankControl,
    FakeBankControl,
    SandboxControl,
    abs_client,
    contract_bank,
    fake_contract_bank,
    write_contract_bank,
)

SMIRNOVA, PETROV, IVANOVA = "c-2001", "c-2002", "c-2003"


async def run(
    actions: AccountActions, action: str, customer_id: str, /, **slots: str | None
) -> ActionResult:
    """Run ``action`` for ``customer_id`` with ``slots`` (a slot may be called customer_id)."""
    return await actions.run(
        action, conversation_id="conv-contract", customer_id=customer_id, slots=slots
    )


def said(result: ActionResult) -> tuple[str, dict[str, object]]:
    """The one response an action uttered: its template and values."""
    assert len(result.responses) == 1, result.responses
    response = result.responses[0]
    return response.template, dict(response.values)


class AccountActionsContract:
    """What the account steps rely on: the customer is the one the call names, figures come as
    template values (never full account numbers), a block happens only after confirmation,
    and an outage is said plainly."""

    @pytest.fixture
    def actions(self) -> AccountActions:
        raise NotImplementedError("each implementation's test class provides its actions")

    @pytest.fixture
    def bank(self) -> BankControl:
        raise NotImplementedError("each implementation's test class controls its bank")

    async def test_a_balance_lists_the_customers_own_accounts(
        self, actions: AccountActions
    ) -> None:
        result = await run(actions, "check_balance", SMIRNOVA)
        assert said(result) == (
            "utter_balance",
            {
                "accounts": [
                    {"type": "current", "currency": "RUB", "balance": "48210.75", "last4": "2345"},
                    {"type": "savings", "currency": "RUB", "balance": "250000.00", "last4": "4321"},
                ]
            },
        )
        assert result.slots == {}
        assert "40817810500000012345" not in str(result), "no full account numbers in replies"

    async def test_the_customer_is_the_one_the_call_names_never_a_slot(
        self, actions: AccountActions
    ) -> None:
        result = await run(actions, "check_balance", IVANOVA, customer_id=SMIRNOVA)
        assert said(result)[1] == {
            "accounts": [{"type": "current", "currency": "RUB", "balance": "0.00", "last4": "3333"}]
        }

    async def test_next_payment_overdue_and_no_loans(self, actions: AccountActions) -> None:
        assert said(await run(actions, "next_payment", SMIRNOVA)) == (
            "utter_next_payment",
            {
                "loans": [
                    {
                        "product": "consumer",
                        "currency": "RUB",
                        "date": "2026-12-05",
                        "amount": "14870.00",
                        "overdue": False,
                        "overdue_amount": "0.00",
                    }
                ]
            },
        )
        overdue = said(await run(actions, "next_payment", IVANOVA))[1]["loans"]
        assert overdue == [
            {
                "product": "mortgage",
                "currency": "RUB",
                "date": "2026-12-01",
                "amount": "52340.00",
                "overdue": True,
                "overdue_amount": "52340.00",
            }
        ]
        assert said(await run(actions, "next_payment", PETROV)) == ("utter_no_loans", {})

    async def test_card_status_lists_every_card(self, actions: AccountActions) -> None:
        assert said(await run(actions, "card_status", PETROV)) == (
            "utter_card_status",
            {
                "cards": [
                    {"last4": "0417", "status": "active", "product": "debit"},
                    {"last4": "9921", "status": "blocked", "product": "credit"},
                ]
            },
        )
        assert said(await run(actions, "card_status", IVANOVA)) == ("utter_no_cards", {})

    async def test_recent_transactions_newest_first(self, actions: AccountActions) -> None:
        template, values = said(await run(actions, "recent_transactions", SMIRNOVA))
        assert template == "utter_recent_transactions"
        rows = values["transactions"]
        assert isinstance(rows, list)
        assert [row["date"] for row in rows] == [
            "2026-11-24",
            "2026-11-22",
            "2026-11-21",
            "2026-11-20",
        ]
        assert rows[0] == {
            "date": "2026-11-24",
            "amount": "-14870.00",
            "currency": "RUB",
            "description": "Платёж по кредиту",
        }

    async def test_a_block_is_asked_first_and_done_once_confirmed(
        self, actions: AccountActions
    ) -> None:
        asked = await run(actions, "block_card", BLOCKS_A_CARD)
        assert said(asked) == ("utter_confirm_block", {"last4": "7001", "card_id": "card-9101-1"})
        assert asked.slots == {"pending_block_card": "card-9101-1"}
        status = said(await run(actions, "card_status", BLOCKS_A_CARD))[1]
        assert status["cards"] == [{"last4": "7001", "status": "active", "product": "debit"}]

        confirmed = {"pending_block_card": "card-9101-1", "block_confirmed": "true"}
        blocked = await run(actions, "block_card", BLOCKS_A_CARD, **confirmed)
        assert said(blocked) == ("utter_card_blocked", {"last4": "7001"})
        assert blocked.slots == {"pending_block_card": None, "block_confirmed": None}
        again = await run(actions, "block_card", BLOCKS_A_CARD, **confirmed)
        assert said(again) == ("utter_card_already_blocked", {"last4": "7001"}), "no second write"
        status = said(await run(actions, "card_status", BLOCKS_A_CARD))[1]
        assert status["cards"] == [{"last4": "7001", "status": "blocked", "product": "debit"}]

    async def test_several_active_cards_ask_which_one(self, actions: AccountActions) -> None:
        which = await run(actions, "block_card", TWO_ACTIVE_CARDS)
        assert said(which) == ("utter_choose_card", {"cards": ["1111", "2222"]})
        assert which.slots == {"pending_block_card": None}
        named = await run(actions, "block_card", TWO_ACTIVE_CARDS, card_last4="2222")
        assert said(named) == ("utter_confirm_block", {"last4": "2222", "card_id": "card-9102-2"})

    async def test_an_unknown_or_blocked_card_is_not_blocked(self, actions: AccountActions) -> None:
        unknown = await run(actions, "block_card", PETROV, card_last4="1234")
        assert said(unknown) == ("utter_card_not_found", {"last4": "1234"})
        assert unknown.slots == {"pending_block_card": None}
        blocked = await run(actions, "block_card", PETROV, card_last4="9921")
        assert said(blocked) == ("utter_card_already_blocked", {"last4": "9921"})
        assert blocked.slots == {"pending_block_card": None}

    async def test_without_a_customer_nothing_is_read(self, actions: AccountActions) -> None:
        for action in ACCOUNT_ACTIONS:
            assert said(await run(actions, action, "")) == ("utter_auth_required", {}), action

    async def test_a_customer_the_bank_does_not_know_is_core_unavailable(
        self, actions: AccountActions
    ) -> None:
        with pytest.raises(CoreUnavailable):
            await run(actions, "check_balance", "c-missing")

    async def test_an_outage_is_said_plainly_by_every_action(
        self, actions: AccountActions, bank: BankControl
    ) -> None:
        bank.go_down()
        for action in ACCOUNT_ACTIONS:
            result = await run(actions, action, SMIRNOVA)
            assert said(result) == ("utter_core_unavailable", {"action": action})
            assert result.outcome == "core_unavailable"


class TestFakeAccountActions(AccountActionsContract):
    @pytest.fixture
    def fake_bank(self) -> FakeBank:
        return fake_contract_bank()

    @pytest.fixture
    def actions(self, fake_bank: FakeBank) -> FakeAccountActions:
        return FakeAccountActions(fake_bank)

    @pytest.fixture
    def bank(self, fake_bank: FakeBank) -> FakeBankControl:
        return FakeBankControl(fake_bank)

    async def test_it_records_each_call_and_never_changes_its_seed(self) -> None:
        seed = BankData.model_validate(contract_bank())
        actions = FakeAccountActions(FakeBank(seed))
        confirmed = {"pending_block_card": "card-9101-1", "block_confirmed": "true"}
        await run(actions, "block_card", BLOCKS_A_CARD)
        await run(actions, "block_card", BLOCKS_A_CARD, **confirmed)
        assert [(c.action, c.customer_id, c.slots) for c in actions.calls] == [
            ("block_card", BLOCKS_A_CARD, {}),
            ("block_card", BLOCKS_A_CARD, confirmed),
        ]
        another = FakeAccountActions(FakeBank(seed))
        assert said(await run(another, "block_card", BLOCKS_A_CARD))[0] == "utter_confirm_block"


@pytest.fixture(scope="module")
def sandbox_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_contract_bank(tmp_path_factory.mktemp("bank"))


class TestRasaAccountActions(AccountActionsContract):
    @pytest.fixture
    async def actions(self, sandbox: str) -> AsyncIterator[RasaAccountActions]:
        async with abs_client(sandbox) as client:
            yield RasaAccountActions(client)

    @pytest.fixture
    def bank(self, sandbox: str) -> Iterator[SandboxControl]:
        control = SandboxControl(sandbox)
        yield control
        control.recover()

    @pytest.mark.parametrize("mode", ["malformed", "slow"])
    async def test_a_slow_or_garbled_abs_is_an_outage_too(
        self, sandbox: str, bank: SandboxControl, mode: str
    ) -> None:
        bank.faults(mode, 1)
        async with abs_client(sandbox, timeout_s=0.3, read_retries=0) as impatient:
            result = await run(RasaAccountActions(impatient), "check_balance", SMIRNOVA)
        assert said(result) == ("utter_core_unavailable", {"action": "check_balance"})


def test_the_integration_runs_exactly_the_dialogues_account_actions() -> None:
    """``integrations`` may not import ``bot``, so the dialogue core holds the one list of
    account actions and this keeps the rasa-sdk actions in step with it."""
    assert sorted(action.action_name for action in ACTIONS) == sorted(ACCOUNT_ACTIONS)
