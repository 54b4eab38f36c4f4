"""The operator console against the running product: `perimeter serve` and the sandbox ABS as
processes, operators made with `perimeter staff add`, the customer on a real WebSocket,
operators over HTTP and the console's WebSocket.

The language model points at a closed port: the console must not depend on it (summaries
fall back to the extractive one; the bot's smalltalk needs no model).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
import websockets.exceptions

from bot.web_token import sign_token
from tests.support.console import HEADERS, PASSWORD, ConsoleClient, add_staff
from tests.support.servers import (
    SANDBOX_TOKEN,
    HealthProbe,
    RunningServer,
    free_port,
    perimeter_server,
    server_env,
)
from tests.support.webchat import open_chat

SECRET = "test-web-token-secret-0123456789abcdef"


def settings_for(sandbox: str, **extra: str) -> dict[str, str]:
    return {
        "llm__backend": "openai",
        "llm__openai_base_url": "http://127.0.0.1:9/v1",
        "llm__model": "unused",
        "core_banking__base_url": sandbox,
        "core_banking__token": SANDBOX_TOKEN,
        "core_banking__timeout_s": "2",
        "auth__web_token_secret": SECRET,
        "operators__working_hours": "00:00-24:00",
        "http__api_docs": "true",  # the console test reads the routes from /openapi.json
        **extra,
    }


@pytest.fixture(scope="module")
def server(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("console")
    settings = settings_for(sandbox)
    add_staff(data_dir, "anna", "operator", "Анна", **settings)
    add_staff(data_dir, "boris", "operator", "Борис", **settings)
    add_staff(data_dir, "sveta", "supervisor", "Светлана", **settings)
    add_staff(data_dir, "erik", "editor", "Эрик", **settings)
    with perimeter_server(data_dir, **settings) as running:
        yield running


@pytest.fixture
def anna(server: RunningServer) -> Iterator[ConsoleClient]:
    client = ConsoleClient(server.base_url)
    assert client.login("anna").status_code == 200
    yield client
    client.close()


class Customer:
    """The customer's browser tab: a web-chat WebSocket and everything it received."""

    def __init__(self, ws: Any, conversation_id: str) -> None:
        self.ws, self.conversation_id = ws, conversation_id
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, server: RunningServer) -> Customer:
        ws, hello = await open_chat(server.ws_url)
        return cls(ws, hello["conversation_id"])

    async def next(self, kind: str, within_s: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + within_s
        while True:
            frame = json.loads(
                await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
            )
            self.frames.append(frame)
            if frame["type"] == kind:
                return frame

    async def say(self, text: str) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "message", "text": text}))
        return await self.next("reply")


class ConsoleSocket:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.last_id = 0

    @classmethod
    async def open(
        cls, server: RunningServer, client: ConsoleClient, after: int | None = None
    ) -> ConsoleSocket:
        url = server.base_url.replace("http://", "ws://") + "/operator/ws"
        if after is not None:
            url += f"?after={after}"
        ws = await websockets.connect(
            url,
            additional_headers={"Cookie": client.cookie_header(), "Origin": server.base_url},
        )
        socket = cls(ws)
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello"
        socket.last_id = hello["last_event_id"]
        return socket

    async def events(self, until: Any, within_s: float = 15) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + within_s
        while not until(seen):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"events so far: {seen}")
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            if frame["type"] == "event":
                self.last_id = frame["id"]
                seen.append(frame)
        return seen


def messages_of(events: list[dict[str, Any]], conversation: str) -> list[str]:
    return [
        e["message"]["text"]
        for e in events
        if e["kind"] == "message" and e["conversation_id"] == conversation and e["message"]
    ]


# --- access -------------------------------------------------------------------------------


def _example_path(path: str) -> str:
    return path.replace("{handoff_id}", "1")


def test_every_console_endpoint_refuses_a_visitor_without_a_session(server: RunningServer) -> None:
    paths = httpx.get(server.base_url + "/openapi.json").json()["paths"]
    routes = [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/operator/api")
        for method in operations
    ]
    assert len(routes) >= 12
    for method, path in routes:
        if path.endswith("/login"):
            continue
        response = httpx.request(
            method,
            server.base_url + _example_path(path),
            headers={"X-Requested-With": "perimeter-console"},
            params={"q": "карта"},
            json={"text": "x", "operator": "anna"},
        )
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["code"] == "not_logged_in"


def test_supervisor_endpoints_refuse_an_operator(
    server: RunningServer, anna: ConsoleClient
) -> None:
    assert anna.get("/operators").status_code == 403
    assigned = anna.post("/handoffs/1/assign", operator="anna")
    assert assigned.status_code == 403 and assigned.json()["code"] == "forbidden"


def test_an_editor_of_the_knowledge_base_cannot_use_the_console(server: RunningServer) -> None:
    client = ConsoleClient(server.base_url)
    refused = client.login("erik")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client.get("/queue").status_code == 401, "no session was left behind"
    client.close()


def test_a_post_without_the_console_header_is_refused(
    server: RunningServer, anna: ConsoleClient
) -> None:
    bare = httpx.Client(base_url=server.base_url, cookies=anna.http.cookies)
    assert bare.post("/operator/api/handoffs/1/take").status_code == 403
    assert (
        bare.post("/operator/api/login", json={"name": "anna", "password": PASSWORD}).status_code
        == 403
    )
    bare.close()


async def test_console_socket_without_a_session_or_from_another_site_is_refused(
    server: RunningServer, anna: ConsoleClient
) -> None:
    url = server.base_url.replace("http://", "ws://") + "/operator/ws"
    with pytest.raises(websockets.exceptions.InvalidStatus):
        await websockets.connect(url)
    with pytest.raises(websockets.exceptions.InvalidStatus):
        await websockets.connect(
            url,
            additional_headers={"Cookie": anna.cookie_header(), "Origin": "https://evil.example"},
        )


def test_login_sets_a_strict_http_only_cookie_and_wrong_passwords_lock(
    server: RunningServer,
) -> None:
    client = ConsoleClient(server.base_url)
    ok = client.login("boris")
    assert ok.status_code == 200 and ok.json() == {
        "name": "boris",
        "display_name": "Борис",
        "role": "operator",
    }
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/operator" in cookie
    assert "secure" not in cookie, "plain HTTP on loopback (make run)"
    behind_tls = httpx.post(
        f"{server.base_url}/operator/api/login",
        json={"name": "boris", "password": PASSWORD},
        # The bank's TLS proxy, trusted on 127.0.0.1 (http.forwarded_allow_ips).
        headers={**HEADERS, "X-Forwarded-Proto": "https"},
    )
    assert "secure" in behind_tls.headers["set-cookie"].lower()
    assert client.get("/me").json()["name"] == "boris"
    assert client.post("/logout").status_code == 204
    assert client.get("/me").status_code == 401, "the session ended on the server"
    unknown = client.login("nobody", "whatever-password")
    assert unknown.status_code == 401 and unknown.json()["code"] == "bad_credentials"
    for _ in range(5):
        assert client.login("boris", "wrong-password-123").status_code == 401
    locked = client.login("boris")
    assert locked.status_code == 429 and locked.json()["code"] == "locked"
    client.close()
    log = server.log_text()
    assert PASSWORD not in log and "wrong-password-123" not in log


# --- the lifecycle ----------------------------------------------------------------------------


async def test_handoff_take_reply_hand_back_and_the_bot_answers_again(
    server: RunningServer, anna: ConsoleClient
) -> None:
    customer = await Customer.open(server)
    console = await ConsoleSocket.open(server, anna)
    asked = await customer.say("Позовите, пожалуйста, оператора")
    assert asked["route"] == "handoff"
    opened = await console.events(lambda seen: any(e["kind"] == "handoff_opened" for e in seen))
    handoff = next(e["handoff"] for e in opened if e["kind"] == "handoff_opened")
    assert handoff["conversation_id"] == customer.conversation_id
    queued = anna.waiting_for(customer.conversation_id)
    assert (queued["status"], queued["reason"]) == ("queued", "customer_request")
    assert "оператора" in queued["summary"] and queued["summary_source"] == "extractive"
    number = queued["id"]

    taken = anna.post(f"/handoffs/{number}/take")
    assert taken.status_code == 200 and taken.json()["status"] == "assigned"
    joined = await customer.next("message")
    assert "Анна" in joined["message"]["text"]

    silent = await customer.say("У меня списали деньги дважды за одну покупку")
    assert (silent["route"], silent["text"]) == ("operator", "")
    seen = await console.events(
        lambda s: (
            "У меня списали деньги дважды за одну покупку"
            in messages_of(s, customer.conversation_id)
        )
    )
    assert seen

    sent = anna.post(f"/handoffs/{number}/messages", text="Здравствуйте! Сейчас проверю.")
    assert sent.status_code == 201
    pushed = await customer.next("message")
    assert pushed["message"]["role"] == "operator"
    assert pushed["message"]["author"] == "Анна"
    assert pushed["message"]["text"] == "Здравствуйте! Сейчас проверю."

    detail = anna.get(f"/handoffs/{number}").json()
    assert detail["status"] == "active"
    assert [m["role"] for m in detail["messages"]][-2:] == ["customer", "operator"]

    back = anna.post(f"/handoffs/{number}/handback")
    assert back.status_code == 200 and back.json()["resolution"] == "handed_back"
    notice = await customer.next("message")
    assert [b["payload"] for b in notice["buttons"]] == [f"/csat_{n}" for n in range(1, 6)]
    rated = await customer.say("/csat_5")
    assert "Спасибо за оценку" in rated["text"]
    hello = await customer.say("Привет!")
    assert hello["route"] == "smalltalk", "the bot has the conversation again"
    await customer.ws.close()
    await console.ws.close()

    metrics = (await asyncio.to_thread(httpx.get, f"{server.base_url}/metrics")).text
    assert 'perimeter_csat_total{score="5"} 1.0' in metrics
    assert 'perimeter_handoffs_resolved_total{resolution="handed_back"}' in metrics
    assert "perimeter_handoff_first_reply_seconds_count 1.0" in metrics


async def test_two_operators_taking_at_once_exactly_one_wins(
    server: RunningServer, anna: ConsoleClient
) -> None:
    customer = await Customer.open(server)
    await customer.say("живой человек нужен")
    number = anna.waiting_for(customer.conversation_id)["id"]
    boris = ConsoleClient(server.base_url)
    sveta = ConsoleClient(server.base_url)
    assert sveta.login("sveta").status_code == 200
    boris.http.cookies.clear()
    # boris may be locked by the login test; a supervisor and anna race instead if so
    rival = boris if boris.login("boris").status_code == 200 else sveta

    async def take(client: ConsoleClient) -> int:
        response = await asyncio.to_thread(client.post, f"/handoffs/{number}/take")
        return response.status_code

    codes = sorted(await asyncio.gather(take(anna), take(rival)))
    assert codes == [200, 409]
    owner = sveta.get(f"/handoffs/{number}").json()["operator"]
    loser = anna if owner != "anna" else rival
    if loser is not sveta:
        refused = loser.post(f"/handoffs/{number}/messages", text="я тоже тут")
        assert refused.status_code == 403
    await customer.ws.close()
    for client in (boris, sveta):
        client.close()


async def test_a_reconnecting_console_loses_no_message(
    server: RunningServer, anna: ConsoleClient
) -> None:
    customer = await Customer.open(server)
    await customer.say("оператор")
    number = anna.waiting_for(customer.conversation_id)["id"]
    console = await ConsoleSocket.open(server, anna)
    assert anna.post(f"/handoffs/{number}/take").status_code == 200
    await console.events(lambda s: any(e["handoff_id"] == number for e in s))
    cursor = console.last_id
    await console.ws.close()  # the operator's Wi-Fi drops
    said = [f"сообщение {n}" for n in range(1, 4)]
    for text in said:
        assert (await customer.say(text))["route"] == "operator"
    again = await ConsoleSocket.open(server, anna, after=cursor)
    events = await again.events(lambda s: messages_of(s, customer.conversation_id)[-3:] == said)
    assert messages_of(events, customer.conversation_id)[-3:] == said
    await again.ws.close()
    await customer.ws.close()


async def test_supervisor_sees_everyone_and_reassigns(
    server: RunningServer, anna: ConsoleClient
) -> None:
    customer = await Customer.open(server)
    await customer.say("соедините с оператором")
    number = anna.waiting_for(customer.conversation_id)["id"]
    assert anna.post(f"/handoffs/{number}/take").status_code == 200
    sveta = ConsoleClient(server.base_url)
    assert sveta.login("sveta").status_code == 200
    names = {o["name"]: o for o in sveta.get("/operators").json()["operators"]}
    assert {"anna", "boris", "sveta"} <= set(names)
    assert names["anna"]["open_handoffs"] >= 1
    moved = sveta.post(f"/handoffs/{number}/assign", operator="sveta")
    assert moved.status_code == 200 and moved.json()["operator"] == "sveta"
    assert anna.get(f"/handoffs/{number}").status_code == 403, "no longer hers"
    assert anna.post(f"/handoffs/{number}/resolve").status_code == 403
    assert sveta.post(f"/handoffs/{number}/resolve").status_code == 200
    assert sveta.post(f"/handoffs/{number}/resolve").status_code == 409
    sveta.close()
    await customer.ws.close()


def test_bad_console_input_gets_clear_errors(server: RunningServer, anna: ConsoleClient) -> None:
    assert anna.get("/handoffs/999999").status_code == 404
    assert anna.get("/handoffs/not-a-number").status_code == 404
    assert anna.post("/handoffs/999999/take").status_code == 404
    empty = anna.post("/handoffs/999999/messages", text="   ")
    assert empty.status_code in (404, 422)
    assert anna.get("/kb/search?q=").status_code == 422


def test_the_report_counts_the_day(server: RunningServer) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "report", "--json"],
        env=server_env(server.data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    day = json.loads(result.stdout.strip().splitlines()[-1])
    assert day["handed_off"] >= 1 and day["conversations"] >= day["handed_off"]
    assert day["handoffs_by_reason"].get("customer_request", 0) >= 1
    assert 0 <= day["containment"] < 1
    assert day["csat_count"] >= 1 and day["csat_average"] == 5.0


# --- the queue timeout --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hurried(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with perimeter_server(
        tmp_path_factory.mktemp("console-timeout"),
        **settings_for(sandbox, operators__queue_timeout_s="1", operators__sweep_interval_s="0.3"),
    ) as running:
        yield running


async def test_nobody_takes_it_so_the_customer_is_offered_a_callback_ticket(
    hurried: RunningServer,
) -> None:
    customer = await Customer.open(hurried)
    token = sign_token(SECRET, "c-2001")
    await customer.ws.send(json.dumps({"type": "auth", "token": token}))
    await customer.next("auth")
    assert (await customer.say("позовите оператора"))["route"] == "handoff"
    notice = await customer.next("message", within_s=15)
    assert "заняты" in notice["message"]["text"]
    assert [b["payload"] for b in notice["buttons"]] == ["/request_callback"]
    done = await customer.say("/request_callback")
    assert "Заявка на обратный звонок создана" in done["text"]
    ticket = done["text"].split("номер ")[1].split(".")[0]
    assert ticket.startswith("T-")
    await customer.ws.close()
    with sqlite3.connect(f"file:{hurried.data_dir / 'perimeter.db'}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT status, resolution, ticket_id FROM handoff_requests WHERE conversation_id = ?",
            (customer.conversation_id,),
        ).fetchone()
        audit = db.execute(
            "SELECT action, outcome FROM audit_log WHERE conversation_id = ?",
            (customer.conversation_id,),
        ).fetchall()
    assert row == ("resolved", "callback", ticket)
    assert ("open_ticket", "ok") in audit


async def test_a_burst_of_wrong_logins_checks_at_most_five_and_the_chat_stays_fast(
    sandbox: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """50 wrong passwords for one account at once (the review's M4): the lockout is not
    outrun (at most 5 are checked as wrong, the account's limit), the address's login rate
    and the bounded check queue refuse the rest with 429, and /healthz answers meanwhile:
    the argon2id checks run off the event loop."""
    data_dir = tmp_path_factory.mktemp("lockout")
    settings = settings_for(sandbox, staff__logins_per_address="20")
    add_staff(data_dir, "anna", "operator", "Анна", **settings)
    with perimeter_server(data_dir, **settings) as running, HealthProbe(running.base_url) as probe:
        async with httpx.AsyncClient(base_url=running.base_url, headers=HEADERS) as http:
            responses = await asyncio.gather(
                *(
                    http.post(
                        "/operator/api/login", json={"name": "anna", "password": f"guess-{n:04}"}
                    )
                    for n in range(50)
                )
            )
            own = await http.post(
                "/operator/api/login", json={"name": "anna", "password": PASSWORD}
            )
    codes = [r.json()["code"] for r in responses]
    assert codes.count("bad_credentials") <= 5, codes
    assert set(codes) <= {"bad_credentials", "locked", "rate_limited"}, codes
    assert all(r.status_code == 429 for r in responses if r.json()["code"] != "bad_credentials")
    assert own.status_code == 429, "locked, or this address is out of attempts"
    assert not probe.failures and probe.seconds
    print(
        f"\n50 parallel wrong logins: {codes.count('bad_credentials')} checked as wrong, "
        f"{codes.count('locked')} locked, {codes.count('rate_limited')} rate-limited; /healthz "
        f"median {statistics.median(probe.seconds) * 1000:.0f} ms, "
        f"max {max(probe.seconds) * 1000:.0f} ms over {len(probe.seconds)} probes"
    )


def test_staff_pages_metrics_and_docs_can_live_on_an_internal_port(
    sandbox: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With http.staff_port set, the customers' port serves the chat and nothing of staff's
    (the review's M5), the staff port serves the console, the admin, /metrics and /docs, and
    one SIGTERM stops both."""
    data_dir = tmp_path_factory.mktemp("staff-port")
    staff_port = free_port()
    settings = settings_for(sandbox, http__staff_port=str(staff_port))
    add_staff(data_dir, "anna", "operator", "Анна", **settings)
    staff_url = f"http://127.0.0.1:{staff_port}"
    with perimeter_server(data_dir, **settings) as running:
        with httpx.Client(base_url=running.base_url) as public:
            assert public.get("/").status_code == 200
            assert public.post("/api/conversations").status_code == 201
            for path in ("/operator", "/admin", "/metrics", "/openapi.json", "/docs"):
                assert public.get(path).status_code == 404, path
            refused = public.post(
                "/operator/api/login", json={"name": "anna", "password": PASSWORD}, headers=HEADERS
            )
            assert refused.status_code == 404
        with httpx.Client(base_url=staff_url, headers=HEADERS) as internal:
            assert internal.get("/healthz").status_code == 200
            for path in ("/operator", "/admin", "/metrics", "/openapi.json"):
                assert internal.get(path).status_code == 200, path
            assert internal.get("/").status_code == 404, "no customer surface here"
            login = internal.post(
                "/operator/api/login", json={"name": "anna", "password": PASSWORD}
            )
            assert login.status_code == 200
            assert "perimeter_http_requests_total" in internal.get("/metrics").text
        process = running.process
    assert process.returncode is not None and process.returncode <= 0, "stopped by SIGTERM"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{staff_url}/healthz")
