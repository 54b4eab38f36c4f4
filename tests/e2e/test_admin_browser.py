"""The content team's demo in headless Chromium: an editor logs in to /admin, uploads a new
document as a draft, previews it, publishes it, and the web chat answers from it a moment
later. The new document is an FAQ: its answers need no language model, which points at a
closed port here. With the document open and its versions shown, the page checks out with
axe-core at desktop width and on a 360 px phone (screenshots in var/test-artifacts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Artifacts
from tests.e2e.test_content_admin import FAQ_V1 as FAQ
from tests.e2e.test_content_admin import SETTINGS
from tests.e2e.test_widget_browser import STREAMING
from tests.support.console import PASSWORD, add_staff
from tests.support.servers import RunningServer, perimeter_server

pytestmark = [pytest.mark.browser]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("admin-browser")
    add_staff(data, "olga", "editor", "Ольга", **SETTINGS)
    with perimeter_server(data, **SETTINGS) as running:
        yield running


def log_in(admin: Page) -> None:
    admin.fill("#login-name", "olga")
    admin.fill("#login-password", PASSWORD)
    admin.click("#login-submit")
    expect(admin.locator("#admin")).to_be_visible(timeout=15_000)


def test_editor_uploads_previews_publishes_and_the_chat_answers(
    server: RunningServer, browser: Browser, tmp_path: Path, artifacts: Artifacts
) -> None:
    source = tmp_path / "ячейки.faq.yaml"
    source.write_text(FAQ, encoding="utf-8")
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP)
    admin = context.new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda exc: errors.append(str(exc)))
    admin.goto(f"{server.base_url}/admin")
    expect(admin.locator("#login-form")).to_be_visible(timeout=15_000)
    artifacts.screenshot(admin, "admin-login")
    violations = {"admin-login": artifacts.audit("admin-login", admin)}
    log_in(admin)

    admin.set_input_files("#upload-file", str(source))
    admin.click("#upload-submit")
    document = admin.locator("li.document[data-doc-id='faq-safe-deposit']")
    expect(document).to_be_visible(timeout=15_000)
    expect(document).to_have_attribute("data-draft-version", "1")
    expect(document).to_have_attribute("data-published-version", "")
    document.click()
    expect(admin.locator("#detail")).to_have_attribute("data-doc-id", "faq-safe-deposit")

    draft = admin.locator("li.version[data-version='1']")
    draft.locator("button.preview").click()
    expect(admin.locator("#preview-chunks li.chunk")).to_have_count(1, timeout=30_000)
    expect(admin.locator("#preview-chunks li.chunk .section").first).to_contain_text(
        "Сколько стоит аренда банковской ячейки?"
    )

    chat = context.new_page()
    chat.goto(server.base_url)
    expect(chat.locator("#status")).to_have_text("Онлайн", timeout=30_000)

    draft.locator("button.publish").click()
    expect(document).to_have_attribute("data-published-version", "1", timeout=30_000)

    chat.fill("#input", "Сколько стоит аренда банковской ячейки?")
    chat.click("#send")
    answer = chat.locator(".message.bot").last
    expect(answer).not_to_have_class(STREAMING, timeout=30_000)
    expect(answer.locator(".text")).to_contain_text("1 500 ₽")
    expect(answer.locator(".sources .source").first).to_contain_text("Банковские ячейки")
    expect(admin.locator("ul#actions li.action").first).to_have_attribute("data-action", "publish")

    # The document open with its versions, the preview and the history beside it.
    admin.bring_to_front()
    artifacts.screenshot(admin, "admin-desktop")
    violations["admin-desktop"] = artifacts.audit("admin-desktop", admin)
    violations.update(on_a_phone(browser, server.base_url, artifacts))
    assert {name: found for name, found in violations.items() if found} == {}
    assert errors == []
    context.close()


def on_a_phone(browser: Browser, base_url: str, artifacts: Artifacts) -> dict[str, list[str]]:
    """The admin page on a 360 px phone with the document open: nothing wider than the
    screen; axe's serious violations of the login form and of the page."""
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{base_url}/admin")
    expect(phone.locator("#login-form")).to_be_visible(timeout=15_000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found = {"admin-login-360": artifacts.audit("admin-login-360", phone)}
    log_in(phone)
    phone.locator("li.document[data-doc-id='faq-safe-deposit']").click()
    expect(phone.locator("#detail")).to_have_attribute("data-doc-id", "faq-safe-deposit")
    expect(phone.locator("li.version[data-version='1']")).to_be_visible()
    expect(phone.locator("#detail-title")).to_be_focused()
    artifacts.screenshot(phone, "admin-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    found["admin-360"] = artifacts.audit("admin-360", phone)
    assert errors == []
    context.close()
    return found
