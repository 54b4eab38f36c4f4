"""The widget on the bank's site, in headless Chromium: the bank's page (a real HTTP server on
another origin) carries the one-line loader; the customer opens the chat, is logged in by the
page with a signed web token, asks, sees the answer with linked sources and rates it. A site
the bank did not allow gets no chat, and the chat checks out with axe-core at desktop width
and on a 360 px phone.

The answers here come from the sample KB's curated FAQ (no language model: it points at a
closed port) with the documents' addresses from their front matter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FrameLocator, Page, expect

from bot.web_token import sign_token
from tests.conftest import Artifacts
from tests.e2e.test_widget_browser import STREAMING
from tests.support.axe import audit
from tests.support.servers import RunningServer, perimeter_server

pytestmark = [pytest.mark.browser]
SECRET = "embedded-widget-web-token-secret-0123456789"
LOGO = Path(__file__).resolve().parents[2] / "examples" / "brand" / "logo.svg"
QUESTION = "Сколько стоит обслуживание дебетовой карты?"
DOC_URL = "https://perimeter.example/cards/debit/fees"
FAQ_URL = "https://perimeter.example/faq"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


class Site:
    """A bank's web page on its own origin: the loader, and a plain iframe of the chat page
    (the loader's frame is not the only way a site could try to frame the chat)."""

    def __init__(self) -> None:
        self.chat = ""  # the chat server's address, known once it runs
        site = self

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/raw"):
                    body = (
                        f'<!doctype html><html lang="ru"><title>Банк</title><body><main>'
                        f'<iframe id="raw" title="Чат" src="{site.chat}/" '
                        f'onload="window.rawLoaded = true"></iframe></main></body></html>'
                    )
                else:
                    body = (
                        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
                        '<meta name="viewport" content="width=device-width, initial-scale=1">'
                        "<title>Банк — вклады</title></head><body><main><h1>Вклады</h1>"
                        "<p>Страница сайта банка.</p></main>"
                        f'<script src="{site.chat}/embed.js" async></script></body></html>'
                    )
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Site:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[Site, Site]]:
    with Site() as allowed, Site() as foreign:
        yield allowed, foreign


@pytest.fixture(scope="module")
def server(
    sites: tuple[Site, Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    allowed, foreign = sites
    with perimeter_server(
        tmp_path_factory.mktemp("embedded-widget"),
        llm__backend="openai",
        llm__openai_base_url="http://127.0.0.1:9/v1",
        llm__model="unused",
        retrieval__faq_min_score="0.60",
        auth__web_token_secret=SECRET,
        chat__embed_origins=allowed.origin,
        brand__name_ru="Северный",
        brand__name_en="Northern Bank",
        brand__colour="#0a5c36",
        brand__logo_file=str(LOGO),
        brand__privacy_notice_ru="Переписка хранится 90 дней.",
        brand__privacy_url="https://bank.example/privacy",
    ) as running:
        allowed.chat = foreign.chat = running.base_url
        yield running


def chat_in(page: Page) -> FrameLocator:
    return page.frame_locator("#perimeter-chat-frame")


def ask(chat: FrameLocator | Page, text: str) -> None:
    chat.locator("#input").fill(text)
    chat.locator("#send").click()
    expect(chat.locator(".message.bot").last).not_to_have_class(STREAMING, timeout=60_000)


def test_the_banks_page_opens_the_chat_logs_in_and_the_customer_rates_a_linked_answer(
    server: RunningServer, sites: tuple[Site, Site], browser: Browser, artifacts: Artifacts
) -> None:
    allowed, _ = sites
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(allowed.origin)
    launcher = page.locator("#perimeter-chat-launcher")
    expect(launcher).to_have_attribute("aria-label", "Открыть чат поддержки")
    # The bank's page logs its customer in before the chat is even open.
    page.evaluate("t => window.PerimeterChat.login(t)", sign_token(SECRET, "c-2003"))
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")

    chat = chat_in(page)
    expect(chat.locator("#chat-title")).to_have_text("Чат поддержки банка «Северный»")
    expect(chat.locator("#logo")).to_be_visible()
    expect(chat.locator("#privacy")).to_contain_text("Переписка хранится 90 дней.")
    expect(chat.locator("#privacy a")).to_have_attribute("href", "https://bank.example/privacy")
    expect(chat.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    expect(chat.locator(".message.bot.greeting .text")).to_contain_text("помощник банка «Северный»")
    expect(chat.locator(".message.system").last).to_have_text("Вы вошли как клиент банка.")

    ask(chat, QUESTION)
    answer = chat.locator(".message.bot").last
    expect(answer.locator(".text")).to_contain_text("99 ₽")
    expect(answer.locator(f'.sources a[href="{DOC_URL}"]')).to_have_text(
        "Обслуживание дебетовых карт"
    )
    expect(answer.locator(f'.sources a[href="{FAQ_URL}"]')).to_have_attribute(
        "rel", "noopener noreferrer"
    )
    helpful = answer.locator('.feedback button[data-helpful="true"]')
    expect(helpful).to_have_attribute("aria-pressed", "false")
    helpful.click()
    expect(answer.locator(".feedback-status")).to_have_text("Спасибо за оценку")
    expect(helpful).to_have_attribute("aria-pressed", "true")
    artifacts.screenshot(page, "widget-embedded-desktop")
    assert not artifacts.audit("bank-page-with-chat", page)
    assert not artifacts.audit(
        "widget-embedded", page.frame(url=lambda u: u.startswith(server.base_url))
    )

    # Minimised, then the page is loaded again: the same conversation, the rating kept.
    chat.locator("#close").click()
    expect(page.locator("#perimeter-chat-frame")).to_be_hidden()
    expect(launcher).to_be_focused()
    page.reload()
    page.locator("#perimeter-chat-launcher").click()
    kept = chat_in(page).locator(".message.bot").last
    expect(kept.locator(".text")).to_contain_text("99 ₽", timeout=30_000)
    expect(kept.locator('.feedback button[data-helpful="true"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    assert not errors, errors
    context.close()


def test_a_site_the_bank_did_not_allow_gets_no_chat(
    server: RunningServer, sites: tuple[Site, Site], browser: Browser
) -> None:
    allowed, foreign = sites
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(foreign.origin)
    page.wait_for_load_state("load")
    page.wait_for_function("document.scripts.length > 0")
    expect(page.locator("#perimeter-chat-launcher")).to_have_count(0)
    page.wait_for_timeout(500)
    assert any("not in chat.embed_origins" in w for w in warnings), warnings

    # The browser itself refuses to show the chat in a foreign frame (frame-ancestors) ...
    page.goto(f"{foreign.origin}/raw")
    page.wait_for_function("window.rawLoaded === true")
    expect(page.frame_locator("#raw").locator("#composer")).to_have_count(0)
    # ... and shows it in the allowed site's.
    page.goto(f"{allowed.origin}/raw")
    expect(page.frame_locator("#raw").locator("#composer")).to_be_visible(timeout=15_000)
    context.close()


def test_on_a_phone_the_chat_fills_the_screen_and_fits_360_px(
    server: RunningServer, sites: tuple[Site, Site], browser: Browser, artifacts: Artifacts
) -> None:
    allowed, _ = sites
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(allowed.origin)
    page.locator("#perimeter-chat-launcher").click()
    frame = page.locator("#perimeter-chat-frame")
    box = frame.bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    chat = chat_in(page)
    expect(chat.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    ask(chat, QUESTION)
    expect(chat.locator(".message.bot").last.locator(".feedback button")).to_have_count(2)
    artifacts.screenshot(page, "widget-embedded-360")

    # The chat's own page at 360 px: nothing wider than the screen.
    alone = context.new_page()
    alone.goto(server.base_url)
    expect(alone.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    ask(alone, QUESTION)
    width = alone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"
    artifacts.screenshot(alone, "widget-360")
    assert not artifacts.audit("widget-360", alone)
    context.close()


def test_the_chat_page_at_desktop_width(
    server: RunningServer, page: Page, artifacts: Artifacts
) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(server.base_url)
    expect(page.locator("#status")).to_have_text("Онлайн", timeout=30_000)
    ask(page, QUESTION)
    expect(page.locator(".message.bot").last.locator(".sources a").first).to_be_visible()
    artifacts.screenshot(page, "widget-desktop")
    assert not artifacts.audit("widget-desktop", page)


def test_the_audit_itself_sees_violations(page: Page) -> None:
    """The empty results above mean something: the same audit flags a page with faults."""
    page.set_content('<html><body><button></button><img src="x"><input type="text"></body></html>')
    serious = audit(page).serious
    assert {line.split(" ")[0] for line in serious} >= {"button-name", "image-alt", "label"}
