"""The demo, in headless Chromium: a visitor logs in with the demo phone and the code from the
sandbox's demo phone page, asks for the balance, and blocks the card with the button; another
visitor arrives logged in from the bank's site with a signed token.

`perimeter serve` and the sandbox run as separate processes over real HTTP. Account answers do
not need the language model, so the server points at a closed port.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.web_token import sign_token
from tests.e2e.test_widget_browser import STREAMING
from tests.support.servers import SANDBOX_TOKEN, RunningServer, perimeter_server

pytestmark = [pytest.mark.browser]
SECRET = "browser-test-web-token-secret-0123456789"


@pytest.fixture(scope="module")
def sandbox_flags() -> tuple[str, ...]:
    return ("--demo-phone",)


@pytest.fixture(scope="module")
def server(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with perimeter_server(
        tmp_path_factory.mktemp("account-browser"),
        llm__backend="openai",
        llm__openai_base_url="http://127.0.0.1:9/v1",
        llm__model="unused",
        core_banking__base_url=sandbox,
        core_banking__token=SANDBOX_TOKEN,
        auth__web_token_secret=SECRET,
    ) as running:
        yield running


def ask(page: Page, text: str) -> str:
    page.fill("#input", text)
    page.click("#send")
    bot = page.locator(".message.bot").last
    expect(bot).not_to_have_class(STREAMING, timeout=30_000)
    return bot.locator(".text").inner_text()


def test_login_with_the_demo_phone_then_balance_and_block(
    server: RunningServer, sandbox: str, page: Page, browser: Browser
) -> None:
    page.goto(server.base_url)
    expect(page.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    assert "убедиться, что это вы" in ask(page, "какой у меня баланс?")
    assert "•••-22-33" in ask(page, "+7 903 111-22-33")

    phone = browser.new_page()
    phone.goto(f"{sandbox}/demo/phone")
    sms = phone.locator("li").first.inner_text()
    code = re.search(r"код для входа (\d{6})", sms)
    assert code, sms
    phone.close()

    answer = ask(page, code.group(1))
    assert "вы вошли" in answer and "48\u00a0210,75\u00a0₽" in answer
    expect(page.locator("#status")).to_have_attribute("data-authenticated", "true")

    assert "••5512" in ask(page, "заблокируйте мою карту")
    buttons = page.locator(".message.bot").last.locator(".quick-reply")
    expect(buttons).to_have_text(["Да, заблокировать", "Нет"])
    buttons.first.click()
    expect(page.locator(".message.customer").last).to_have_text("Да, заблокировать")
    bot = page.locator(".message.bot").last
    expect(bot).not_to_have_class(STREAMING, timeout=30_000)
    expect(bot.locator(".text")).to_contain_text("заблокирована")
    expect(page.locator(".quick-reply")).to_have_count(0)


def test_a_visitor_logged_in_on_the_bank_site_arrives_authenticated(
    server: RunningServer, page: Page
) -> None:
    token = sign_token(SECRET, "c-2003")
    page.goto(f"{server.base_url}/#auth={token}")
    expect(page.locator("#status")).to_have_attribute("data-authenticated", "true", timeout=30_000)
    expect(page.locator(".message.system").last).to_have_text("Вы вошли как клиент банка.")
    assert "auth=" not in page.url, "the token does not stay in the address bar"
    answer = ask(page, "когда следующий платёж по кредиту?")
    assert "01.12.2026" in answer and "52\u00a0340,00\u00a0₽" in answer


def test_logging_out_on_a_shared_device_leaves_nothing_for_the_next_person(
    server: RunningServer, page: Page
) -> None:
    page.goto(f"{server.base_url}/#auth={sign_token(SECRET, 'c-2001')}")
    expect(page.locator("#status")).to_have_attribute("data-authenticated", "true", timeout=30_000)
    assert "48\u00a0210,75\u00a0₽" in ask(page, "какой у меня баланс?")
    saved = page.evaluate("localStorage.getItem('perimeter.conversation')")
    assert saved and '"token"' in saved, "the widget keeps the conversation's secret"
    assert "token" not in page.url

    page.click("#logout")
    expect(page.locator("#status")).to_have_attribute("data-authenticated", "false")
    expect(page.locator(".message:not(.greeting)")).to_have_count(0)
    expect(page.locator("#logout")).to_be_hidden()
    assert page.evaluate("localStorage.getItem('perimeter.conversation')") != saved

    page.reload()
    expect(page.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    expect(page.locator(".message:not(.greeting)")).to_have_count(0)
    assert "210,75" not in page.content()
