"""The whole handoff in headless Chromium, as the issue describes it: a customer in the web
chat asks for an operator; an operator logs in to the console, sees the conversation in the
queue with its summary, takes it and replies; the customer sees the reply; the operator
hands back; the bot answers the customer's next question. On the way the console, logged
out and with the handoff open, checks out with axe-core at desktop width and on a 360 px
phone (screenshots in var/test-artifacts).

`perimeter serve` runs as a process with the embedded test model (it also writes the
operator's summary); two browser contexts are the customer and the operator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Artifacts
from tests.e2e.test_widget_browser import STREAMING
from tests.support.console import PASSWORD, add_staff
from tests.support.servers import RunningServer, perimeter_server

pytestmark = [pytest.mark.browser]

SETTINGS = {
    "llm__backend": "llamacpp",
    "llm__max_tokens": "64",
    "llm__temperature": "0",
    "operators__working_hours": "00:00-24:00",
}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def server(test_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("operator-browser")
    settings = {**SETTINGS, "llm__gguf_path": str(test_gguf)}
    add_staff(data_dir, "anna", "operator", "Анна", **settings)
    with perimeter_server(data_dir, **settings) as running:
        yield running


def customer_says(page: Page, text: str) -> None:
    page.fill("#input", text)
    page.click("#send")


def last_bot_text(page: Page) -> str:
    bot = page.locator(".message.bot").last
    expect(bot).not_to_have_class(STREAMING, timeout=120_000)
    return bot.locator(".text").inner_text()


def log_in(operator: Page, base_url: str) -> None:
    operator.goto(f"{base_url}/operator")
    operator.fill("#login-name", "anna")
    operator.fill("#login-password", PASSWORD)
    operator.click("#login-submit")
    expect(operator.locator("#console")).to_be_visible(timeout=15_000)


def on_a_phone(browser: Browser, base_url: str, artifacts: Artifacts) -> dict[str, list[str]]:
    """The console on a 360 px phone with the queued handoff open: nothing wider than the
    screen; axe's serious violations of the login form and of the console."""
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{base_url}/operator")
    expect(phone.locator("#login-form")).to_be_visible(timeout=15_000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found = {"console-login-360": artifacts.audit("console-login-360", phone)}
    log_in(phone, base_url)
    item = phone.locator("li.queue-item[data-status='queued']").first
    expect(item).to_be_visible(timeout=15_000)
    item.click()
    expect(phone.locator("#transcript .msg.customer").first).to_be_visible()
    expect(phone.locator("#detail-title")).to_be_focused()
    artifacts.screenshot(phone, "console-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found["console-360"] = artifacts.audit("console-360", phone)
    assert errors == []
    context.close()
    return found


def test_customer_operator_and_back_to_the_bot(
    server: RunningServer, browser: Browser, artifacts: Artifacts
) -> None:
    customer_context = browser.new_context(locale="ru-RU")
    operator_context = browser.new_context(locale="ru-RU", viewport=DESKTOP)
    customer = customer_context.new_page()
    operator = operator_context.new_page()
    errors: list[str] = []
    operator.on("pageerror", lambda exc: errors.append(str(exc)))

    # The customer asks for a person.
    customer.goto(server.base_url)
    expect(customer.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    customer_says(customer, "Позовите оператора, у меня вопрос по переводу")
    assert "оператору" in last_bot_text(customer)

    # The operator logs in and finds it in the queue, with the bot's summary.
    operator.goto(f"{server.base_url}/operator")
    expect(operator.locator("#login-form")).to_be_visible(timeout=15_000)
    artifacts.screenshot(operator, "console-login")
    violations = {"console-login": artifacts.audit("console-login", operator)}
    operator.fill("#login-name", "anna")
    operator.fill("#login-password", "wrong password here")
    operator.click("#login-submit")
    expect(operator.locator("#login-error")).not_to_be_empty()
    operator.fill("#login-password", PASSWORD)
    operator.click("#login-submit")
    expect(operator.locator("#console")).to_be_visible(timeout=15_000)
    expect(operator.locator("#connection")).to_have_attribute("data-state", "online")
    item = operator.locator("li.queue-item[data-status='queued']").first
    expect(item).to_be_visible(timeout=15_000)
    expect(item.locator(".summary")).to_contain_text("Позовите оператора")
    item.click()
    expect(operator.locator("#reason")).to_contain_text("Клиент просит оператора")
    expect(operator.locator("#transcript .msg.customer").first).to_contain_text(
        "вопрос по переводу"
    )
    # The local model's summary replaces the extracted phrases in the background.
    expect(operator.locator("#summary-source")).to_have_attribute(
        "data-source", "model", timeout=120_000
    )
    expect(operator.locator("#summary")).not_to_be_empty()
    artifacts.screenshot(operator, "console-desktop")
    violations["console-desktop"] = artifacts.audit("console-desktop", operator)
    violations.update(on_a_phone(browser, server.base_url, artifacts))
    assert {name: found for name, found in violations.items() if found} == {}

    # Take it and reply: the customer sees who joined, and the reply.
    operator.click("#take")
    expect(operator.locator("#detail")).to_have_attribute("data-status", "assigned")
    expect(customer.locator(".message.bot").last).to_contain_text("Анна", timeout=15_000)
    operator.fill("#reply-input", "Здравствуйте! Я Анна, помогу с переводом.")
    operator.click("#reply-send")
    reply = customer.locator(".message.operator").last
    expect(reply.locator(".text")).to_have_text(
        "Здравствуйте! Я Анна, помогу с переводом.", timeout=15_000
    )
    expect(reply.locator(".author")).to_have_text("Анна")

    # While a person has it, the bot stays silent; the operator sees the customer's words.
    bots_before = customer.locator(".message.bot").count()
    customer_says(customer, "Перевод на 5000 рублей не дошёл до получателя")
    expect(operator.locator("#transcript .msg.customer").last).to_contain_text(
        "Перевод на 5000 рублей не дошёл до получателя", timeout=15_000
    )
    expect(customer.locator("#send")).to_be_enabled()
    assert customer.locator(".message.bot").count() == bots_before

    # Hand back: the customer is asked to rate, and the bot answers again.
    operator.click("#handback")
    expect(operator.locator("#detail")).to_have_attribute("data-status", "resolved")
    rating = customer.locator(".message.bot").last.locator(".quick-reply")
    expect(rating).to_have_text(["1", "2", "3", "4", "5"], timeout=15_000)
    rating.nth(4).click()
    assert "Спасибо за оценку" in last_bot_text(customer)
    customer_says(customer, "Сколько стоит обслуживание дебетовой карты?")
    answered = customer.locator(".message.bot").last
    expect(answered).not_to_have_class(STREAMING, timeout=180_000)
    expect(answered).to_have_attribute("data-route", "answer")
    assert errors == []
    customer_context.close()
    operator_context.close()
