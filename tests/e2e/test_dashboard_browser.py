"""The supervisors' dashboard in headless Chromium, over data this test makes through the web
chat's API: customers get an FAQ answer and rate it, another asks for an operator; the
supervisor opens /operator/dashboard, sees the figures and the charts, and downloads the CSV.
An operator is refused. The answers come from the sample KB's FAQ (no language model: it
points at a closed port)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Artifacts
from tests.support.console import add_staff, sign_in
from tests.support.servers import RunningServer, perimeter_server
from tests.support.webchat import bearer

pytestmark = [pytest.mark.browser]
SETTINGS = {
    "llm__backend": "openai",
    "llm__openai_base_url": "http://127.0.0.1:9/v1",
    "llm__model": "unused",
    "retrieval__faq_min_score": "0.60",
    "operators__working_hours": "00:00-24:00",
}
FAQ_QUESTION = "Сколько стоит обслуживание дебетовой карты?"
WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > 361)
    .slice(0, 5).map((e) => `${e.tagName}.${e.className}`)"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("dashboard")
    add_staff(data, "sveta", "supervisor", "Светлана", **SETTINGS)
    add_staff(data, "anna", "operator", "Анна", **SETTINGS)
    with perimeter_server(data, **SETTINGS) as running:
        yield running


def turn(base_url: str, text: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    created = httpx.post(f"{base_url}/api/conversations", timeout=30).json()
    conversation, key = bearer(created)
    reply = httpx.post(
        f"{base_url}/api/conversations/{conversation}/messages",
        json={"text": text},
        headers=key,
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return conversation, key, dict(reply.json())


@pytest.fixture(scope="module")
def activity(server: RunningServer) -> dict[str, int]:
    """Today's conversations: two FAQ answers (one rated 👍, one 👎) and a handoff."""
    base = server.base_url
    rated = []
    for _ in range(2):
        conversation, key, reply = turn(base, FAQ_QUESTION)
        assert reply["route"] == "answer" and "99" in reply["text"], reply
        rated.append((conversation, key, reply["reply_id"]))
    for (conversation, key, reply_id), helpful in zip(rated, (True, False), strict=True):
        response = httpx.post(
            f"{base}/api/conversations/{conversation}/messages/{reply_id}/feedback",
            json={"helpful": helpful},
            headers=key,
            timeout=30,
        )
        assert response.status_code == 204
    _, _, handoff = turn(base, "Позовите оператора, пожалуйста")
    assert handoff["route"] == "handoff", handoff
    return {"conversations": 3, "handed_off": 1, "answers": 2}


def signed_in(browser: Browser, base_url: str, name: str, viewport: dict[str, int]) -> Page:
    url = f"{base_url}/operator/dashboard"
    return sign_in(browser, url, name, ready="#dashboard", viewport=viewport)


def test_the_supervisor_sees_the_days_figures_as_charts_and_downloads_them(
    server: RunningServer, activity: dict[str, int], browser: Browser, artifacts: Artifacts
) -> None:
    page = signed_in(browser, server.base_url, "sveta", {"width": 1280, "height": 900})
    totals = page.locator("#totals")
    expect(totals.locator(".total").first).to_contain_text("Диалогов3")
    expect(totals).to_contain_text("Передано операторам1")
    expect(totals).to_contain_text("Решено без оператора66,7 %")
    expect(totals).to_contain_text("Ответов из базы знаний2")
    expect(totals).to_contain_text("Из них из FAQ и кэша100 %")
    expect(totals).to_contain_text("👍 / 👎1 / 1")

    charts = page.locator("#charts figure.chart")
    expect(charts).to_have_count(7)
    expect(page.locator("#charts figure.chart canvas")).to_have_count(7)
    reasons = page.locator("#chart-reasons .plot")
    expect(reasons).to_have_attribute(
        "aria-label", "Передачи оператору по причинам. просьба клиента: 1"
    )
    expect(page.locator("#chart-containment .u-legend")).to_contain_text("без оператора")
    today = datetime.now(UTC).date().isoformat()
    row = page.locator("#days tbody tr", has=page.locator(f'th:text-is("{today}")'))
    expect(row.locator("td").nth(0)).to_have_text("3")
    expect(page.locator("#days tbody tr")).to_have_count(7)  # the last seven days by default
    artifacts.screenshot(page, "dashboard-desktop")
    assert not artifacts.audit("dashboard-desktop", page)

    with page.expect_download() as download:
        page.click("#csv")
    text = download.value.path().read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO(text)))
    mine = next(line for line in lines if line["day"] == today)
    assert (mine["conversations"], mine["handed_off"], mine["answers_faq"]) == ("3", "1", "2")
    assert (mine["handoffs_customer_request"], mine["helpful"], mine["unhelpful"]) == (
        "1",
        "1",
        "1",
    )
    assert "Позовите" not in text and "дебетовой" not in text  # figures only

    # A period the server refuses is said so, and draws nothing new.
    page.fill("#from", today)
    page.fill("#to", (datetime.now(UTC).date() - timedelta(days=3)).isoformat())
    page.click("#show")
    expect(page.locator("#detail-error")).to_have_text("the period ends before it starts")
    page.context.close()


def test_on_a_phone_the_dashboard_fits_the_screen(
    server: RunningServer, activity: dict[str, int], browser: Browser, artifacts: Artifacts
) -> None:
    page = signed_in(browser, server.base_url, "sveta", {"width": 360, "height": 740})
    expect(page.locator("#charts figure.chart canvas")).to_have_count(7)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDEST)
    assert width <= 360, f"the page scrolls sideways: {width} px ({wide})"
    artifacts.screenshot(page, "dashboard-360")
    assert not artifacts.audit("dashboard-360", page)
    page.context.close()


def test_an_operator_gets_no_dashboard(
    server: RunningServer, activity: dict[str, int], browser: Browser
) -> None:
    page = signed_in(browser, server.base_url, "anna", {"width": 1280, "height": 800})
    expect(page.locator("#detail-error")).to_have_text("Панель доступна только супервизорам.")
    expect(page.locator("#charts figure")).to_have_count(0)
    today = datetime.now(UTC).date().isoformat()
    refused = page.request.get(f"{server.base_url}/operator/api/dashboard?from={today}&to={today}")
    assert refused.status == 403
    page.context.close()


def test_the_period_is_bounded(server: RunningServer, browser: Browser) -> None:
    page = signed_in(browser, server.base_url, "sveta", {"width": 1280, "height": 800})
    api = f"{server.base_url}/operator/api/dashboard"
    assert page.request.get(f"{api}?from=2026-01-01&to=2026-12-01").status == 422
    assert page.request.get(f"{api}?from=yesterday&to=2026-12-01").status == 422
    assert page.request.get(f"{api}.csv?from=2026-11-01").status == 422
    page.context.close()
