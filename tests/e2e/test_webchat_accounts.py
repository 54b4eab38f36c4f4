"""Account questions through the running web chat: `perimeter serve` and the sandbox ABS as
two processes talking real HTTP; the customer over a real WebSocket and the HTTP API.

The language model is not needed for account questions, so the server points at a closed
port: an account answer must not depend on it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
import websockets

from bot.web_token import sign_token
from tests.support.servers import (
    SANDBOX_TOKEN,
    RunningServer,
    perimeter_server,
    server_env,
)
from tests.support.webchat import bearer, open_chat

SECRET = "test-web-token-secret-0123456789abcdef"
RAW_TEXT_KEY = "m9BLO1n2c8YdN2zN0Xx3Q8m8s1b8V3J9c2x0Zl3mS0c="  # a Fernet key, for the tests only


@pytest.fixture(scope="module")
def sandbox_flags() -> tuple[str, ...]:
    return ("--otp-resend-s", "0")


@pytest.fixture(scope="module")
def server(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with perimeter_server(
        tmp_path_factory.mktemp("webchat-accounts"),
        llm__backend="openai",
        llm__openai_base_url="http://127.0.0.1:9/v1",
        llm__model="unused",
        core_banking__base_url=sandbox,
        core_banking__token=SANDBOX_TOKEN,
        core_banking__timeout_s="2",
        auth__web_token_secret=SECRET,
        privacy__raw_text_key=RAW_TEXT_KEY,
    ) as running:
        yield running


Chat = tuple[str, dict[str, str]]  # a conversation's id and the headers proving its secret


def new_conversation(server: RunningServer) -> Chat:
    return bearer(httpx.post(f"{server.base_url}/api/conversations").json())


def say(server: RunningServer, chat: Chat, text: str) -> dict[str, Any]:
    conversation, key = chat
    response = httpx.post(
        f"{server.base_url}/api/conversations/{conversation}/messages",
        json={"text": text},
        headers=key,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def token_login(server: RunningServer, chat: Chat, token: str) -> httpx.Response:
    conversation, key = chat
    return httpx.post(
        f"{server.base_url}/api/conversations/{conversation}/auth/token",
        json={"token": token},
        headers=key,
    )


def test_a_signed_web_token_logs_the_customer_in(server: RunningServer) -> None:
    conversation = new_conversation(server)
    anonymous = say(server, conversation, "какой у меня баланс?")
    assert anonymous["route"] == "auth_required" and "48" not in anonymous["text"]

    response = token_login(server, conversation, sign_token(SECRET, "c-2001"))
    assert response.status_code == 200 and response.json()["authenticated"] is True
    reply = say(server, conversation, "какой у меня баланс?")
    assert (reply["route"], reply["action"]) == ("action", "check_balance")
    assert "48\u00a0210,75\u00a0₽" in reply["text"]
    transcript = httpx.get(
        f"{server.base_url}/api/conversations/{conversation[0]}/messages", headers=conversation[1]
    )
    assert transcript.json()["authenticated"] is True

    metrics = httpx.get(f"{server.base_url}/metrics").text
    assert 'perimeter_core_calls_total{action="check_balance",outcome="balance"}' in metrics
    assert "c-2001" not in metrics and "40817810" not in metrics, "no customer data in metrics"

    logout = f"{server.base_url}/api/conversations/{conversation[0]}/logout"
    assert httpx.post(logout, headers=conversation[1]).is_success
    assert say(server, conversation, "какой у меня баланс?")["route"] == "auth_required"


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": "c-2001", "aud": "perimeter", "iat": now, "exp": now + 60, "jti": "x"}
    claims["jti"] = f"jti-{time.monotonic_ns()}"
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    ("label", "token"),
    [
        ("forged", jwt.encode(_claims(), "another-key-of-sufficient-length-123456")),
        (
            "expired",
            jwt.encode(_claims(iat=int(time.time()) - 600, exp=int(time.time()) - 300), SECRET),
        ),
        ("too long-lived", jwt.encode(_claims(exp=int(time.time()) + 86_400), SECRET)),
        ("another audience", jwt.encode(_claims(aud="another-app"), SECRET)),
        ("no jti", jwt.encode(_claims(jti=None), SECRET)),
        ("alg none", jwt.encode(_claims(), None, algorithm="none")),
        ("garbage", "not-a-token"),
    ],
)
def test_bad_web_tokens_are_refused(server: RunningServer, label: str, token: str) -> None:
    conversation = new_conversation(server)
    response = token_login(server, conversation, token)
    assert response.status_code == 401, label
    assert response.json()["code"] == "token_rejected"
    assert "сайта банка" in response.json()["message"]
    reply = say(server, conversation, "какой у меня баланс?")
    assert reply["route"] == "auth_required", f"{label}: no data after a refused token"


def test_a_replayed_token_is_refused(server: RunningServer) -> None:
    token = sign_token(SECRET, "c-2001")
    first, second = new_conversation(server), new_conversation(server)
    assert token_login(server, first, token).status_code == 200
    replay = token_login(server, second, token)
    assert (replay.status_code, replay.json()["code"]) == (401, "token_rejected")
    assert say(server, second, "какой у меня баланс?")["route"] == "auth_required"


def test_an_unknown_conversation_does_not_spend_the_token(server: RunningServer) -> None:
    token = sign_token(SECRET, "c-2001")
    _, key = new_conversation(server)
    assert token_login(server, ("no-such-conversation", key), token).status_code == 404
    assert token_login(server, new_conversation(server), token).status_code == 200


async def test_phone_login_and_block_over_the_websocket(
    server: RunningServer, sandbox: str
) -> None:
    """The demo path: log in with the phone and the code from the sandbox outbox, then block
    the card with the confirmation button's payload."""
    ws, hello = await open_chat(server.ws_url)
    async with ws:
        assert hello["authenticated"] is False

        async def ask(text: str) -> dict[str, Any]:
            await ws.send(json.dumps({"type": "message", "text": text}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] in ("reply", "error"):
                    return dict(frame)

        assert (await ask("когда следующий платёж по кредиту?"))["route"] == "auth_required"
        assert "•••-55-66" in (await ask("+79164445566"))["text"]
        async with httpx.AsyncClient() as http:
            outbox = await http.get(
                f"{sandbox}/sandbox/outbox",
                params={"phone": "+79164445566"},
                headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
            )
        code = outbox.json()["messages"][0]["code"]
        logged_in = await ask(code)
        assert logged_in["action"] == "next_payment" and "нет" in logged_in["text"]

        confirm = await ask("заблокируйте мою карту")
        assert "••0417" in confirm["text"]
        assert [b["payload"] for b in confirm["buttons"]] == ["да", "нет"]
        blocked = await ask(confirm["buttons"][0]["payload"])
        assert "заблокирована" in blocked["text"]

        await ws.send(json.dumps({"type": "auth", "token": "forged"}))
        error = json.loads(await ws.recv())
        assert (error["type"], error["code"]) == ("error", "token_rejected")

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "audit",
        "--customer",
        "c-2002",
        env=server_env(server.data_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    audit = out.decode()
    rows = [line.split() for line in audit.splitlines()[1:]]
    assert [(r[-3], r[-2]) for r in rows] == [
        ("verify_code", "verified"),
        ("next_payment", "no_loans"),
        ("block_card", "confirm_block"),
        ("block_card", "card_blocked"),
    ]
    assert "+7916" not in audit and "0417" not in audit, "no phone or card numbers in the audit"


async def test_only_the_conversations_secret_opens_it_and_a_logout_hides_account_replies(
    server: RunningServer,
) -> None:
    """The id is what staff and logs see; it opens nothing. The secret is proven in a header
    or the first frame, never a URL, and is in no log. After a logout the transcript has no
    account reply left for the next person on the device."""
    chat = new_conversation(server)
    conversation, key = chat
    secret = key["Authorization"].removeprefix("Bearer ")
    assert token_login(server, chat, sign_token(SECRET, "c-2001")).status_code == 200
    assert "48\u00a0210,75" in say(server, chat, "какой у меня баланс?")["text"]
    other = new_conversation(server)[1]

    url = f"{server.base_url}/api/conversations/{conversation}/messages"
    async with httpx.AsyncClient() as http:
        no_key, wrong_key, own = await asyncio.gather(
            http.get(url),
            http.get(url, headers=other),
            http.get(url, headers=key),
        )
        as_post = await http.post(url, json={"text": "какой у меня баланс?"}, headers=other)
    assert (no_key.status_code, no_key.json()["code"]) == (401, "secret_required")
    assert no_key.headers["WWW-Authenticate"] == "Bearer"
    assert wrong_key.status_code == 404 and "48" not in wrong_key.text
    assert as_post.status_code == 404
    assert "48\u00a0210,75" in own.text

    # The WebSocket: the id with a wrong secret opens a new, empty conversation.
    ws, hello = await open_chat(
        server.ws_url, resume={"conversation_id": conversation, "token": "guess" * 9}
    )
    await ws.close()
    assert hello["conversation_id"] != conversation and hello["messages"] == []
    ws, resumed = await open_chat(
        server.ws_url, resume={"conversation_id": conversation, "token": secret}
    )
    async with ws:
        assert resumed["authenticated"] is True and "token" not in resumed
        assert any("48\u00a0210,75" in m["text"] for m in resumed["messages"])
        await ws.send(json.dumps({"type": "logout"}))
        assert json.loads(await ws.recv())["type"] == "logged_out"

    async with httpx.AsyncClient(headers=key) as http:
        after = (await http.get(url)).json()
    assert after["authenticated"] is False
    assert [m for m in after["messages"] if m["route"] == "action"] == []
    assert "48\u00a0210,75" not in str(after)
    assert "какой у меня баланс?" in [m["text"] for m in after["messages"]]
    # A new session on the same conversation sees its own account replies only.
    assert token_login(server, chat, sign_token(SECRET, "c-2002")).status_code == 200
    async with httpx.AsyncClient(headers=key) as http:
        again = (await http.get(url)).json()
    assert "48\u00a0210,75" not in str(again)

    log = server.log_text()
    assert conversation in log, "the id names the conversation in the log"
    assert secret not in log, "the secret is in no log line, access log included"


async def test_a_socket_that_does_not_say_hello_first_is_closed(server: RunningServer) -> None:
    async with websockets.connect(server.ws_url) as ws:
        await ws.send(json.dumps({"type": "message", "text": "какой у меня баланс?"}))
        refusal = json.loads(await ws.recv())
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert (refusal["type"], refusal["code"]) == ("error", "bad_request")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_personal_data_is_redacted_before_it_is_stored(server: RunningServer) -> None:
    """The review's H3: what a customer types is kept only with its personal data replaced,
    in the transcript, the handoff's summary and what staff read; the turn itself still
    worked on the original."""
    chat = new_conversation(server)
    typed = (
        "Меня зовут Смирнова Анна Петровна, карта 4276 3801 2345 6787 cvv 123, паспорт "
        "45 12 345678, СНИЛС 112-233-445 95, живу: г. Казань, ул. Баумана, д. 12, кв. 4, "
        "тел. +7 916 555-12-34, почта anna.smirnova@mail.ru"
    )
    say(server, chat, typed)
    assert say(server, chat, "позовите оператора")["handoff"]
    with sqlite3.connect(f"file:{server.data_dir / 'perimeter.db'}?mode=ro", uri=True) as db:
        stored = [text for (text,) in db.execute("SELECT text FROM messages")]
        summaries = [s for (s,) in db.execute("SELECT summary FROM handoff_requests")]
        sealed = [s for (s,) in db.execute("SELECT sealed FROM sealed_messages")]
    assert sealed and "Смирнова" not in str(sealed), "kept as typed only encrypted"
    kept = "\n".join(stored + summaries)
    for value in (
        "Смирнова",
        "Анна Петровна",
        "4276 3801",
        "cvv 123",
        "45 12 345678",
        "112-233-445 95",
        "Баумана",
        "555-12-34",
        "anna.smirnova",
    ):
        assert value not in kept, value
    assert "[карта ••6787]" in kept and "[паспорт]" in kept and "[СНИЛС]" in kept
    transcript = httpx.get(
        f"{server.base_url}/api/conversations/{chat[0]}/messages", headers=chat[1]
    ).json()
    assert "4276 3801" not in str(transcript) and "[карта ••6787]" in str(transcript)
    metrics = httpx.get(f"{server.base_url}/metrics").text
    assert 'perimeter_pii_redacted_total{kind="card"}' in metrics
    assert "4276" not in metrics and "Смирнова" not in server.log_text()


def privacy_cli(
    server: RunningServer, *args: str, answer: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "privacy", *args],
        env=server_env(server.data_dir, privacy__raw_text_key=RAW_TEXT_KEY),
        input=answer,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_customer_gets_their_data_exported_then_erased(server: RunningServer) -> None:
    """152-FZ art. 14 and 21: `perimeter privacy export|forget`, both audited; the export
    holds what was kept (redacted), the erasure leaves nothing of the conversations."""
    customer = "c-2003"
    chat = new_conversation(server)
    assert token_login(server, chat, sign_token(SECRET, customer)).status_code == 200
    say(server, chat, "когда следующий платёж по кредиту? мой тел. 89165551234")
    logout = f"{server.base_url}/api/conversations/{chat[0]}/logout"
    assert httpx.post(logout, headers=chat[1]).is_success  # found after a logout too

    exported = privacy_cli(server, "export", customer)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    [conversation] = [c for c in document["conversations"] if c["id"] == chat[0]]
    texts = [m["text"] for m in conversation["messages"]]
    assert "когда следующий платёж по кредиту? мой тел. [телефон]" in texts
    typed = [m.get("text_as_typed") for m in conversation["messages"] if m.get("text_as_typed")]
    assert typed == ["когда следующий платёж по кредиту? мой тел. 89165551234"], (
        "the bank's key opens what was kept as typed"
    )
    assert any("01.12.2026" in t for t in texts), "the reply with the payment is theirs"

    kept = privacy_cli(server, "forget", customer, answer="n\n")
    assert kept.returncode == 1 and "nothing deleted" in kept.stderr
    erased = privacy_cli(server, "forget", customer, "--yes")
    assert erased.returncode == 0 and "deleted" in erased.stdout, erased.stderr
    again = json.loads(privacy_cli(server, "export", customer).stdout)
    assert again["conversations"] == []
    transcript = httpx.get(
        f"{server.base_url}/api/conversations/{chat[0]}/messages", headers=chat[1]
    )
    assert transcript.status_code == 404

    audit = subprocess.run(
        [sys.executable, "-m", "bot.cli", "audit", "--customer", customer],
        env=server_env(server.data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    actions = [line.split()[-3] for line in audit.splitlines()[1:]]
    assert actions[-3:] == ["privacy_export", "privacy_forget", "privacy_export"], audit
    purged = privacy_cli(server, "purge")
    assert purged.returncode == 0 and purged.stdout.startswith("deleted 0 conversations")


def test_the_page_may_talk_only_to_its_own_origin_and_tls_is_remembered(
    server: RunningServer,
) -> None:
    """The review's L3: the CSP allows sockets to this origin only, and behind the bank's TLS
    proxy the browser is told to use HTTPS from then on (HSTS); plain loopback HTTP is not."""
    plain = httpx.get(server.base_url)
    csp = plain.headers["Content-Security-Policy"]
    assert "connect-src 'self';" in csp and "ws:" not in csp and "wss:" not in csp
    assert "Strict-Transport-Security" not in plain.headers
    behind_tls = httpx.get(server.base_url, headers={"X-Forwarded-Proto": "https"})
    assert behind_tls.headers["Strict-Transport-Security"].startswith("max-age=31536000")
