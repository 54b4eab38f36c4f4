"""The sandbox ABS/CRM over real HTTP: the contract in docs/core-banking-api.md."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from integrations.core_banking.sandbox import SeedError, load_bank_data
from tests.support.servers import SANDBOX_TOKEN

ROOT = Path(__file__).resolve().parents[2]
C = "/api/v1/customers"


@pytest.fixture
def abs_api(sandbox: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sandbox, timeout=10, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ) as client:
        yield client
        client.post("/sandbox/faults", json={"mode": "none"})


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def test_bearer_token_is_required(sandbox: str) -> None:
    assert httpx.get(f"{sandbox}{C}/c-2001/accounts").status_code == 401
    wrong = httpx.get(f"{sandbox}{C}/c-2001/accounts", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthorized"
    assert httpx.get(f"{sandbox}/healthz").status_code == 200
    assert httpx.get(f"{sandbox}/openapi.json").json()["info"]["title"].startswith("Perimeter")


def test_reads(abs_api: httpx.Client) -> None:
    customer = abs_api.get(C, params={"phone": "+79031112233"}).json()
    assert customer == {
        "id": "c-2001",
        "full_name": "Смирнова Анна Викторовна",
        "phone": "+79031112233",
    }
    accounts = abs_api.get(f"{C}/c-2001/accounts").json()["accounts"]
    assert accounts[0]["balance"] == "48210.75"
    loan = abs_api.get(f"{C}/c-2001/loans").json()["loans"][0]
    assert (loan["next_payment_date"], loan["next_payment_amount"]) == ("2026-12-05", "14870.00")
    assert abs_api.get(f"{C}/c-2002/loans").json() == {"loans": []}
    cards = abs_api.get(f"{C}/c-2002/cards").json()["cards"]
    assert [(c["last4"], c["status"]) for c in cards] == [("0417", "active"), ("9921", "blocked")]
    history = abs_api.get(f"{C}/c-2001/transactions", params={"limit": 2}).json()
    assert [t["id"] for t in history["transactions"]] == ["t-2001-4", "t-2001-3"]


def test_lookup_errors(abs_api: httpx.Client) -> None:
    assert abs_api.get(C, params={"phone": "+70000000000"}).json()["error"]["code"] == (
        "customer_not_found"
    )
    assert abs_api.get(C, params={"phone": "8903"}).status_code == 422
    assert abs_api.get(f"{C}/c-9999/accounts").status_code == 404
    assert abs_api.get(f"{C}/c-2001/transactions", params={"limit": 500}).status_code == 422


def test_block_card_is_idempotent(abs_api: httpx.Client) -> None:
    path = f"{C}/c-2001/cards/card-2001-1/block"
    assert abs_api.post(path, json={"reason": "lost"}).json()["error"]["code"] == (
        "idempotency_key_required"
    )
    headers = key()
    first = abs_api.post(path, json={"reason": "lost"}, headers=headers)
    again = abs_api.post(path, json={"reason": "lost"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["status"] == "blocked"
    other = abs_api.post(path, json={"reason": "lost"}, headers=key())
    assert (other.status_code, other.json()["error"]["code"]) == (409, "card_already_blocked")
    someone_elses = abs_api.post(
        f"{C}/c-2001/cards/card-2002-1/block", json={"reason": "lost"}, headers=key()
    )
    assert someone_elses.status_code == 404


def test_one_time_code_flow(abs_api: httpx.Client) -> None:
    phone = "+79164445566"
    sent = abs_api.post("/api/v1/otp/send", json={"phone": phone}, headers=key())
    assert sent.status_code == 202
    challenge = sent.json()["challenge_id"]
    resend = abs_api.post("/api/v1/otp/send", json={"phone": phone}, headers=key())
    assert (resend.status_code, resend.json()["error"]["code"]) == (429, "otp_rate_limited")
    message = abs_api.get("/sandbox/outbox", params={"phone": phone}).json()["messages"][0]
    assert message["code"] in message["text"]
    wrong = abs_api.post(
        "/api/v1/otp/verify",
        json={
            "challenge_id": challenge,
            "code": "000000" if message["code"] != "000000" else "111111",
        },
        headers=key(),
    )
    assert (wrong.status_code, wrong.json()["error"]["attempts_left"]) == (400, 4)
    ok = abs_api.post(
        "/api/v1/otp/verify",
        json={"challenge_id": challenge, "code": message["code"]},
        headers=key(),
    )
    assert ok.json() == {"customer_id": "c-2002"}
    reused = abs_api.post(
        "/api/v1/otp/verify",
        json={"challenge_id": challenge, "code": message["code"]},
        headers=key(),
    )
    assert reused.json()["error"]["code"] == "otp_used"


def test_brute_force_locks_the_challenge(abs_api: httpx.Client) -> None:
    phone = "+79265557788"
    challenge = abs_api.post("/api/v1/otp/send", json={"phone": phone}, headers=key()).json()[
        "challenge_id"
    ]
    code = abs_api.get("/sandbox/outbox", params={"phone": phone}).json()["messages"][0]["code"]
    wrong = "123456" if code != "123456" else "654321"
    statuses = [
        abs_api.post(
            "/api/v1/otp/verify", json={"challenge_id": challenge, "code": wrong}, headers=key()
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 423]
    right = abs_api.post(
        "/api/v1/otp/verify", json={"challenge_id": challenge, "code": code}, headers=key()
    )
    assert right.json()["error"]["code"] == "otp_locked"


def test_crm_records(abs_api: httpx.Client) -> None:
    ticket = abs_api.post(
        "/api/v1/crm/tickets",
        headers=key(),
        json={
            "customer_id": "c-2001",
            "subject": "Перезвонить",
            "description": "Просит звонок",
            "priority": "high",
        },
    )
    assert ticket.status_code == 201
    assert ticket.json()["status"] == "open"
    note = abs_api.post(
        "/api/v1/crm/interactions",
        headers=key(),
        json={"customer_id": "c-2001", "channel": "webchat", "summary": "Вопрос о балансе"},
    )
    assert note.status_code == 201 and note.json()["id"].startswith("I-")


def test_faults_can_be_injected(abs_api: httpx.Client) -> None:
    abs_api.post("/sandbox/faults", json={"mode": "error"})
    assert abs_api.get(f"{C}/c-2001/accounts").status_code == 500
    abs_api.post("/sandbox/faults", json={"mode": "malformed"})
    with pytest.raises(json.JSONDecodeError):
        abs_api.get(f"{C}/c-2001/accounts").json()
    abs_api.post("/sandbox/faults", json={"mode": "slow", "delay_s": 1.5})
    with pytest.raises(httpx.ReadTimeout):
        abs_api.get(f"{C}/c-2001/accounts", timeout=0.5)
    abs_api.post("/sandbox/faults", json={"mode": "none"})
    assert abs_api.get(f"{C}/c-2001/accounts").status_code == 200


def test_seed_file_is_lenient_but_names_real_mistakes(tmp_path: Path) -> None:
    extra = {
        "customers": [
            {
                "id": "c-1",
                "full_name": "Тест",
                "phone": "+79990001122",
                "segment": "vip",
                "accounts": [{"id": "a", "balance": "1.50", "iban": "x"}],
            }
        ],
        "version": 3,
    }
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(extra))
    assert load_bank_data(path).customers[0].accounts[0].type == "current"
    extra["customers"][0]["accounts"][0]["balance"] = "много"  # type: ignore[index]
    path.write_text(json.dumps(extra))
    with pytest.raises(SeedError, match=r"customers\.0\.accounts\.0\.balance"):
        load_bank_data(path)
    path.write_text("{oops")
    with pytest.raises(SeedError, match="not valid JSON"):
        load_bank_data(path)


def test_cli_refuses_to_start_without_a_token() -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["sandbox"], env={"PERIMETER_CORE_BANKING__TOKEN": "short"})
    assert result.exit_code == 2
    assert "PERIMETER_CORE_BANKING__TOKEN" in result.output
