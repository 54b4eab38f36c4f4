"""The editor's workbench in headless Chromium against the running product: the sample
documents indexed at start (as `perimeter kb ingest` does) are listed and one is taken under
the admin; a zip and several files are uploaded at once, a bad file refused with its reason
while the others land; the text is searched; two versions are compared side by side; a
draft is asked a customer's question before it is published; then it is published and the
chat answers from it. FAQ answers need no language model (it points at a closed port)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Artifacts
from tests.e2e.test_content_admin import FAQ_V1, QUESTION, SETTINGS
from tests.support.console import PASSWORD, add_staff, sign_in
from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import ask

pytestmark = [pytest.mark.browser]
GAP = (
    "Как купить облигации федерального займа через ваш банк?",
    "Можно ли через вас купить облигации федерального займа?",
)
NOTES = """---
id: night-transfers
title: Переводы ночью
lang: ru
tags: [transfers]
---
# Переводы ночью

Переводы между своими счетами работают круглосуточно в режиме «Сова», без выходных.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("workbench")
    add_staff(data, "olga", "editor", "Ольга", **SETTINGS)
    with perimeter_server(data, **SETTINGS) as running:
        yield running


def signed_in(browser: Browser, base_url: str) -> Page:
    viewport = {"width": 1440, "height": 900}
    return sign_in(browser, f"{base_url}/admin", "olga", ready="#admin", viewport=viewport)


def test_the_editors_workbench(
    server: RunningServer, browser: Browser, tmp_path: Path, artifacts: Artifacts
) -> None:
    page = signed_in(browser, server.base_url)

    # The documents indexed at start are visible; one is taken under the admin.
    fees = page.locator('#indexed li.indexed-item[data-doc-id="cards-debit-fees"]')
    expect(fees).to_be_visible(timeout=15_000)
    fees.locator("button").click()
    expect(page.locator("#indexed-status")).to_contain_text(
        "«cards-debit-fees» теперь ведётся здесь"
    )
    expect(fees).to_have_count(0)
    managed = page.locator('#documents li.document[data-doc-id="cards-debit-fees"]')
    expect(managed).to_have_attribute("data-published-version", "1")

    # A zip with two good files and a broken one: two drafts, one refusal with its reason.
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("docs/ячейки.faq.yaml", FAQ_V1)
        z.writestr("docs/night.md", NOTES)
        z.writestr("docs/broken.md", "no front matter here")
        z.writestr("__MACOSX/._night.md", "junk")
    page.set_input_files("#upload-file", str(archive))
    page.click("#upload-submit")
    results = page.locator("#upload-results li")
    expect(results).to_have_count(3, timeout=30_000)
    expect(page.locator("#upload-results li.failed")).to_have_count(1)
    expect(page.locator("#upload-results li.failed")).to_contain_text("broken.md")
    expect(page.locator("#upload-status")).to_contain_text("Черновиков: 2 из 3")
    expect(page.locator('#documents li.document[data-doc-id="faq-safe-deposit"]')).to_be_visible()
    expect(page.locator('#documents li.document[data-doc-id="night-transfers"]')).to_be_visible()

    # Several files at once.
    first, second = tmp_path / "a.md", tmp_path / "b.txt"
    first.write_text(NOTES.replace("night-transfers", "weekend-transfers"), encoding="utf-8")
    second.write_text(
        "Вклады для пенсионеров\n\nСтавка по вкладу «Забота» — 17 % годовых.", "utf-8"
    )
    page.set_input_files("#upload-file", [str(first), str(second)])
    page.click("#upload-submit")
    expect(page.locator("#upload-status")).to_contain_text("Черновиков: 2 из 2", timeout=30_000)

    # Search in the text: the published fees and the new drafts alike.
    page.fill("#text-search", "режиме «сова»")
    page.click("#text-search-submit")
    hits = page.locator("#text-hits .text-hit-open")
    expect(hits).to_have_count(2)
    expect(hits.first).to_contain_text("черновик")
    page.fill("#text-search", "99 ₽ в месяц")
    page.click("#text-search-submit")
    expect(page.locator('#text-hits [data-doc-id="cards-debit-fees"]')).to_contain_text(
        "опубликовано"
    )
    page.locator('#text-hits [data-doc-id="cards-debit-fees"]').click()
    expect(page.locator("#detail")).to_have_attribute("data-doc-id", "cards-debit-fees")

    # A new version, compared with the published one side by side.
    editor = page.locator("#editor")
    editor.fill(editor.input_value().replace("стоит 99 ₽ в месяц", "стоит 149 ₽ в месяц", 1))
    page.click("#save-draft")
    expect(page.locator("li.version[data-version='2']")).to_be_visible(timeout=15_000)
    page.select_option("#diff-left", "1")
    page.select_option("#diff-right", "2")
    page.click("#diff-submit")
    changed = page.locator("#diff tr.diff-replace")
    expect(changed).to_have_count(1)
    expect(changed.locator(".diff-left")).to_contain_text("стоит 99 ₽ в месяц")
    expect(changed.locator(".diff-right")).to_contain_text("стоит 149 ₽ в месяц")
    artifacts.screenshot(page, "admin-diff")

    # Ask the FAQ draft as a customer before it is published.
    page.locator('#documents li.document[data-doc-id="faq-safe-deposit"]').click()
    expect(page.locator("#detail")).to_have_attribute("data-doc-id", "faq-safe-deposit")
    page.fill("#ask-question", QUESTION)
    page.click("#ask-submit")
    expect(page.locator("#ask-status")).to_contain_text("готовым ответом из FAQ", timeout=60_000)
    expect(page.locator("#ask-answer")).to_contain_text("1 500 ₽")
    expect(page.locator("#ask-passages li.from-draft").first).to_contain_text("из этой версии")
    assert "1 500" not in ask(server.base_url, QUESTION)["text"]  # not published yet
    artifacts.screenshot(page, "admin-ask")
    assert not artifacts.audit("admin-workbench", page)

    page.locator("li.version[data-version='1'] button.publish").click()
    expect(
        page.locator('#documents li.document[data-doc-id="faq-safe-deposit"]')
    ).to_have_attribute("data-published-version", "1", timeout=30_000)
    assert "1 500 ₽" in ask(server.base_url, QUESTION)["text"]

    page.context.close()


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A bot that trusts no passage (min_score 0.99): every question it is asked is a gap."""
    data = tmp_path_factory.mktemp("workbench-gaps")
    settings = {**SETTINGS, "retrieval__min_score": "0.99"}
    add_staff(data, "olga", "editor", "Ольга", **settings)
    with perimeter_server(data, **settings) as running:
        yield running


def test_a_gap_becomes_a_document(strict: RunningServer, browser: Browser) -> None:
    page = signed_in(browser, strict.base_url)
    server = strict
    # From a gap to a document: customers asked what the KB does not hold.
    for question in GAP:
        handed = ask(server.base_url, question)
        assert handed["route"] == "handoff", handed
    page.click("#load-gaps")
    gap = page.locator("#gaps li.gap").first
    expect(gap).to_be_visible(timeout=30_000)
    gap.get_by_role("button", name="Создать документ").click()
    expect(page.locator("#new-dialog")).to_be_visible()
    draft = page.locator("#new-text")
    expect(draft).to_have_value(re.compile("questions:"))
    expect(draft).to_have_value(re.compile("Как купить облигации федерального займа"))
    draft.fill(draft.input_value().replace("(впишите ответ)", "ОФЗ можно купить в приложении."))
    page.click("#new-save")
    expect(page.locator("#new-dialog")).to_be_hidden(timeout=15_000)
    expect(page.locator("#detail")).to_have_attribute("data-doc-id", re.compile("^faq-"))
    expect(page.locator("#editor")).to_have_value(re.compile("ОФЗ можно купить в приложении"))
    page.context.close()


def test_workbench_refusals(server: RunningServer) -> None:
    with httpx.Client(
        base_url=server.base_url, headers={"X-Requested-With": "perimeter-admin"}
    ) as http:
        assert (
            http.post("/admin/api/login", json={"name": "olga", "password": PASSWORD}).status_code
            == 200
        )
        not_zip = http.post("/admin/api/documents/zip", files={"file": ("a.zip", b"not a zip")})
        assert not_zip.status_code == 422 and "not a zip" in not_zip.json()["message"]
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("huge.md", "я" * (60 * 1024 * 1024))  # 120 MB unpacked, a few KB packed
        too_big = http.post("/admin/api/documents/zip", files={"file": ("b.zip", bomb.getvalue())})
        assert too_big.status_code == 413
        assert http.get("/admin/api/search", params={"q": "  "}).status_code == 422
        assert (
            http.get("/admin/api/documents/nope/diff", params={"left": 1, "right": 2}).status_code
            == 404
        )
        assert http.post("/admin/api/indexed/nope/adopt").status_code == 404
