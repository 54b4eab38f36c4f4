"""The operator's inbox in headless Chromium, against the running product and the sandbox ABS:
a supervisor keeps a canned response; an operator is notified of a new handoff (with the
sound on), takes it by keyboard, inserts the canned response filled in with the customer's
first name, adds a private note, finds the conversation by search and exports it as CSV and
PDF — masked. With automatic assignment on, handoffs go round the operators on duty and skip
one who is away. The language model points at a closed port: none of this needs it."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader
from websockets.sync.client import connect

from bot.web_token import sign_token
from tests.conftest import Artifacts
from tests.e2e.test_operator_console import settings_for as console_settings
from tests.support.console import ConsoleClient, add_staff, sign_in
from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import bearer

pytestmark = [pytest.mark.browser]
SECRET = "inbox-browser-web-token-secret-0123456789"
CANNED = "Здравствуйте, {first_name}! Меня зовут {operator}, чем помочь?"
CARD = "4276 1234 5678 9012"


def settings_for(sandbox: str, **extra: str) -> dict[str, str]:
    """The console test's settings, with this module's web-token secret."""
    return console_settings(sandbox, auth__web_token_secret=SECRET, **extra)


@pytest.fixture(scope="module")
def server(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("inbox")
    settings = settings_for(sandbox)
    add_staff(data, "sveta", "supervisor", "Светлана", **settings)
    add_staff(data, "olga", "operator", "Ольга", **settings)
    with perimeter_server(data, **settings) as running:
        yield running


class Customer:
    """A web-chat customer over HTTP, logged in by the bank's site."""

    def __init__(
        self, base_url: str, customer_id: str | None = None, keep: list[Customer] | None = None
    ) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        if keep is not None:
            keep.append(self)
        created = self.http.post("/api/conversations").json()
        self.id, self.key = bearer(created)
        if customer_id:
            token = sign_token(SECRET, customer_id)
            login = self.http.post(
                f"/api/conversations/{self.id}/auth/token", json={"token": token}, headers=self.key
            )
            assert login.status_code == 200, login.text

    def say(self, text: str) -> dict[str, Any]:
        reply = self.http.post(
            f"/api/conversations/{self.id}/messages", json={"text": text}, headers=self.key
        )
        assert reply.status_code == 200, reply.text
        return dict(reply.json())

    def types(self, base_url: str) -> None:
        """The widget's socket says the customer is typing (nothing of the text)."""
        token = self.key["Authorization"].split()[1]
        with connect(base_url.replace("http", "ws", 1) + "/ws/chat") as ws:
            ws.send(json.dumps({"type": "hello", "conversation_id": self.id, "token": token}))
            assert json.loads(ws.recv(timeout=10))["type"] == "conversation"
            ws.send(json.dumps({"type": "typing"}))
            time.sleep(0.3)

    def sees_operator_typing(self, within_s: float = 5.0) -> bool:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            got = self.http.get(f"/api/conversations/{self.id}/typing", headers=self.key)
            if got.status_code == 200 and got.json()["operator_typing"]:
                return True
            time.sleep(0.2)
        return False

    def transcript(self) -> str:
        got = self.http.get(f"/api/conversations/{self.id}/messages", headers=self.key)
        return " ".join(m["text"] for m in got.json()["messages"])


@pytest.fixture
def customers() -> Iterator[list[Customer]]:
    """Customers a test makes; their connections closed after it."""
    made: list[Customer] = []
    yield made
    for customer in made:
        customer.http.close()


def console(
    browser: Browser, base_url: str, name: str, **options: Any
) -> tuple[BrowserContext, Page]:
    page = sign_in(browser, f"{base_url}/operator", name, ready="#console", **options)
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=15_000)
    return page.context, page


RECORD_NOTIFICATIONS = """
    window.notified = [];
    const Real = window.Notification;
    class Recorded extends Real {
        constructor(title, options) {
            super(title, options);
            window.notified.push({title, body: options && options.body});
        }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Recorded.requestPermission = (...a) => Real.requestPermission(...a);
    window.Notification = Recorded;
"""


def test_notified_canned_note_search_and_export(
    server: RunningServer, browser: Browser, artifacts: Artifacts, customers: list[Customer]
) -> None:
    base = server.base_url
    # The supervisor keeps a canned response.
    boss_context, boss = console(browser, base, "sveta")
    boss.click("#canned-manage")
    boss.fill("#canned-shortcut", "привет")
    boss.select_option("#canned-lang", "ru")
    boss.fill("#canned-title-input", "Приветствие")
    boss.fill("#canned-text", CANNED)
    boss.click("#canned-save")
    expect(boss.locator("#canned-all .canned-item")).to_have_count(1)
    expect(boss.locator("#canned-all")).to_contain_text("/привет")
    boss.fill("#canned-shortcut", "плохой")
    boss.fill("#canned-title-input", "Ошибка")
    boss.fill("#canned-text", "Здравствуйте, {name}!")
    boss.click("#canned-save")
    expect(boss.locator("#canned-status")).to_contain_text("unknown variable {name}")
    assert not artifacts.audit("console-canned-dialog", boss)
    boss.click("#canned-close")
    boss_context.close()

    # The operator, notifications allowed and the sound on.
    context, page = console(browser, base, "olga", permissions=["notifications"])
    page.add_init_script(RECORD_NOTIFICATIONS)
    page.reload()
    expect(page.locator("#connection")).to_have_attribute("data-state", "online", timeout=15_000)
    page.click("#alerts")
    expect(page.locator("#alerts")).to_have_attribute("aria-pressed", "true")
    page.check("#sound")

    customer = Customer(base, "c-2001", customers)  # Смирнова Анна Викторовна
    customer.say(f"Моя карта {CARD} не работает")
    assert customer.say("Позовите оператора")["route"] == "handoff"
    item = page.locator("#queue li.queue-item").first
    expect(item).to_be_visible(timeout=15_000)
    page.wait_for_function("window.notified.length > 0", timeout=10_000)
    assert page.evaluate("window.notified[0].title") == "Новое обращение"
    assert CARD not in str(page.evaluate("window.notified"))
    expect(page.locator("html")).to_have_attribute("data-last-sound", "normal")

    item.locator(".queue-open").click()
    expect(page.locator("#detail-body")).to_be_visible()
    page.keyboard.press("Alt+t")  # take
    expect(page.locator("#detail")).to_have_attribute("data-status", "assigned", timeout=10_000)
    reply = page.locator("#reply-input")

    # Typing, both ways: the customer's socket says «typing», the console shows it; the
    # operator types, the customer's widget is told.
    customer.types(base)
    expect(page.locator("#customer-typing")).to_have_text("Клиент печатает…", timeout=10_000)
    reply.type("Секунду")
    assert customer.sees_operator_typing(), "the customer sees «оператор печатает»"
    reply.fill("")

    reply.focus()
    reply.type("/при")
    options = page.locator("#canned-list [role=option]")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("/привет")
    artifacts.screenshot(page, "console-canned-list")
    page.keyboard.press("Enter")  # inserts, does not send
    expect(reply).to_have_value("Здравствуйте, Анна! Меня зовут Ольга, чем помочь?")
    page.keyboard.press("Enter")  # sends
    expect(reply).to_have_value("", timeout=10_000)
    assert "Здравствуйте, Анна! Меня зовут Ольга" in customer.transcript()

    page.keyboard.press("Alt+n")
    expect(page.locator("#note-input")).to_be_focused()
    page.locator("#note-input").fill(f"Клиент прислал карту {CARD}, перевыпуск")
    page.click("#note-add")
    note = page.locator("#notes .note").first
    expect(note).to_contain_text("Ольга")
    expect(note.locator(".note-text")).not_to_contain_text("1234 5678")  # masked
    assert "перевыпуск" not in customer.transcript()  # private
    artifacts.screenshot(page, "console-desktop-inbox")
    assert not artifacts.audit("console-inbox", page)

    page.keyboard.press("Alt+f")
    expect(page.locator("#search-dialog")).to_be_visible()
    page.fill("#search-text", "карта")
    page.click("#search-submit")
    result = page.locator("#search-results .search-result-open")
    expect(result).to_have_count(1)
    expect(result).to_contain_text(customer.id)
    expect(result).not_to_contain_text("5678")
    result.click()
    expect(page.locator("#found-transcript .message")).to_have_count(
        len(
            customer.http.get(
                f"/api/conversations/{customer.id}/messages", headers=customer.key
            ).json()["messages"]
        )
    )
    artifacts.screenshot(page, "console-search")
    assert not artifacts.audit("console-search", page)

    with page.expect_download() as csv_download:
        page.click("#found-csv")
    rows = list(csv.DictReader(io.StringIO(csv_download.value.path().read_text(encoding="utf-8"))))
    texts = " ".join(r["text"] for r in rows)
    assert "Позовите оператора" in texts and "Меня зовут Ольга" in texts
    assert "5678" not in texts and {r["conversation"] for r in rows} == {customer.id}
    with page.expect_download() as pdf_download:
        page.click("#found-pdf")
    pdf = PdfReader(str(pdf_download.value.path()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert f"Диалог {customer.id}" in text and "Позовите оператора" in text
    assert "5678" not in text
    page.click("#search-close")

    page.keyboard.press("Alt+d")  # resolved
    expect(page.locator("#detail")).to_have_attribute("data-status", "resolved", timeout=10_000)
    context.close()


def test_the_inbox_on_a_phone(
    server: RunningServer, browser: Browser, artifacts: Artifacts, customers: list[Customer]
) -> None:
    customer = Customer(server.base_url, keep=customers)
    customer.say("Позовите оператора")
    context, page = console(browser, server.base_url, "olga")
    page.set_viewport_size({"width": 360, "height": 740})
    page.locator("#queue li.queue-item .queue-open").first.click()
    expect(page.locator("#notes-title")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the console scrolls sideways: {width} px"
    artifacts.screenshot(page, "console-360-inbox")
    page.keyboard.press("Shift+?")
    expect(page.locator("#shortcuts-dialog")).to_be_visible()
    expect(page.locator("#shortcuts-list")).to_contain_text("Alt+T")
    assert not artifacts.audit("console-shortcuts-360", page)
    context.close()


def test_api_refusals(server: RunningServer) -> None:
    operator = ConsoleClient(server.base_url)
    assert operator.login("olga").status_code == 200
    refused = operator.post("/canned", shortcut="x", lang="ru", title="x", text="x")
    assert refused.status_code == 403
    assert operator.get("/conversations?q=%20%20").status_code == 422  # blank
    assert operator.get("/conversations?from=0").status_code == 422  # not a day
    assert operator.get("/conversations?from=2026-02-30").status_code == 422  # no such day
    assert operator.get("/conversations?reason=nonsense").status_code == 422
    assert operator.get("/conversations/nope/transcript.csv").status_code == 404
    assert operator.get("/handoffs/999999/notes").status_code == 404
    operator.close()


@pytest.fixture(scope="module")
def assigning(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("auto-assign")
    settings = settings_for(
        sandbox, operators__auto_assign="true", operators__sweep_interval_s="0.5"
    )
    for name, shown in (("anna", "Анна"), ("boris", "Борис"), ("vera", "Вера")):
        add_staff(data, name, "operator", shown, **settings)
    add_staff(data, "sveta", "supervisor", "Светлана", **settings)  # sees every owner
    with perimeter_server(data, **settings) as running:
        yield running


def test_automatic_assignment_goes_round_the_operators_on_duty(
    assigning: RunningServer, browser: Browser, customers: list[Customer]
) -> None:
    base = assigning.base_url
    consoles = [console(browser, base, name) for name in ("anna", "boris", "vera")]
    vera = consoles[2][1]
    vera.select_option("#my-status", "away")
    expect(vera.locator("#detail-error")).to_contain_text("Вы отошли")

    conversations = []
    for _ in range(4):
        customer = Customer(base, keep=customers)
        customer.say("Позовите оператора")
        conversations.append(customer.id)
    owners: dict[str, str] = {}
    deadline = time.monotonic() + 30
    supervisor_view = ConsoleClient(base)
    assert supervisor_view.login("sveta").status_code == 200
    while time.monotonic() < deadline and len(owners) < 4:
        for h in supervisor_view.queue():
            if h["conversation_id"] in conversations and h["operator"]:
                owners[h["conversation_id"]] = h["operator"]
        time.sleep(0.3)
    supervisor_view.close()
    assert sorted(owners.values()) == ["anna", "anna", "boris", "boris"], owners
    for context, _ in consoles:
        context.close()
