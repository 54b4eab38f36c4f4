"""Helpers for the staff pages' tests: accounts made with the real CLI, an HTTP console client,
a browser logged in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.support.servers import migrate, server_env

HEADERS = {"X-Requested-With": "perimeter-console"}
PASSWORD = "correct horse battery"


def add_staff(
    data_dir: Path,
    name: str,
    role: str,
    display: str,
    *,
    password: str = PASSWORD,
    **settings: str,
) -> None:
    """``perimeter staff add`` against the server's database, password on stdin."""
    migrate(data_dir, **settings)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "staff",
            "add",
            name,
            "--role",
            role,
            "--display-name",
            display,
            "--password-stdin",
        ],
        input=f"{password}\n",
        env=server_env(data_dir, **settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr


class ConsoleClient:
    """An operator's browser, as far as the API sees it: a cookie jar and the CSRF header."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers=HEADERS, timeout=30)

    def login(self, name: str, password: str = PASSWORD) -> httpx.Response:
        return self.http.post("/operator/api/login", json={"name": name, "password": password})

    def queue(self) -> list[dict[str, Any]]:
        response = self.http.get("/operator/api/queue")
        assert response.status_code == 200, response.text
        return list(response.json()["handoffs"])

    def waiting_for(self, conversation_id: str) -> dict[str, Any]:
        found = [h for h in self.queue() if h["conversation_id"] == conversation_id]
        assert found, f"{conversation_id} not in the queue"
        return found[0]

    def post(self, path: str, **body: Any) -> httpx.Response:
        return self.http.post(f"/operator/api{path}", json=body or None)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(f"/operator/api{path}")

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())

    def close(self) -> None:
        self.http.close()


def sign_in(
    browser: Browser,
    url: str,
    name: str,
    *,
    ready: str,
    viewport: dict[str, int] | None = None,
    **options: Any,
) -> Page:
    """A new browser context logged in to the staff page at ``url`` as ``name``, once the
    element ``ready`` shows."""
    context = browser.new_context(
        locale="ru-RU", viewport=viewport or {"width": 1366, "height": 900}, **options
    )
    page = context.new_page()
    page.goto(url)
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator(ready)).to_be_visible(timeout=15_000)
    return page
