"""The HTTP contract tells the truth: schemathesis (an OpenAPI fuzzer) drives the real
``perimeter serve`` from its own ``/openapi.json`` — anonymously and logged in as each staff
role — and every response must be documented: its status, its body's schema, its headers,
valid input accepted and invalid input refused, no server error."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from tests.conftest import ARTIFACTS
from tests.support.console import PASSWORD, add_staff
from tests.support.doubles.ollama_server import OllamaDoubleConfig, run_ollama_double_in_thread
from tests.support.servers import SANDBOX_TOKEN, RunningServer, perimeter_server, server_env
from tests.support.webchat import bearer

MODEL = "qwen2.5:7b-instruct"
# What the model says to any question: grounded in the sample KB's card fees passage.
ANSWER = "Обслуживание карты «Классика» стоит 99 ₽ в месяц."
SETTINGS = {
    "llm__backend": "ollama",
    "llm__model": MODEL,
    "core_banking__token": SANDBOX_TOKEN,
    "core_banking__timeout_s": "2",
    "http__api_docs": "true",
    "operators__model_summary": "false",
    "retrieval__faq_min_score": "0.6",  # curated answers too, not only the model's
}
CONFIG = Path(__file__).with_name("schemathesis.toml")
# The staff page each role logs in to: its path, session cookie and X-Requested-With value.
PAGES = {
    "operator": ("/operator", "perimeter_operator", "perimeter-console"),
    "supervisor": ("/operator", "perimeter_operator", "perimeter-console"),
    "editor": ("/admin", "perimeter_admin", "perimeter-admin"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sandbox: str) -> Iterator[RunningServer]:
    """The product with the sandbox ABS and a model (the Ollama double) that answers: the
    fuzzer meets answers with sources, handoffs and account refusals, not only failures."""
    data = tmp_path_factory.mktemp("contract")
    model = OllamaDoubleConfig(models=[MODEL], reply=ANSWER)
    with run_ollama_double_in_thread(model) as ollama:
        settings = {**SETTINGS, "core_banking__base_url": sandbox, "llm__ollama_host": ollama}
        for role in PAGES:
            add_staff(data, f"{role}-1", role, role.title(), **settings)
        with perimeter_server(data, **settings) as running:
            yield from _seeded(running)


def _seeded(running: RunningServer) -> Iterator[RunningServer]:
    # Something to work on: an answer with its sources, a conversation handed to people.
    with httpx.Client(base_url=running.base_url, timeout=60) as api:
        conversation, key = bearer(api.post("/api/conversations").json())
        api.headers.update(key)
        answered = api.post(
            f"/api/conversations/{conversation}/messages",
            json={"text": "сколько стоит обслуживание карты Классика?"},
        ).json()
        assert answered["route"] == "answer" and answered["sources"], answered
        api.post(f"/api/conversations/{conversation}/messages", json={"text": "оператор"})
    yield running


def login(server: RunningServer, role: str) -> list[str]:
    """The headers a logged-in browser of ``role`` sends."""
    path, cookie, csrf = PAGES[role]
    response = httpx.post(
        f"{server.base_url}{path}/api/login",
        json={"name": f"{role}-1", "password": PASSWORD},
        headers={"X-Requested-With": csrf},
    )
    assert response.status_code == 200, response.text
    return ["-H", f"Cookie: {cookie}={response.cookies[cookie]}", "-H", f"X-Requested-With: {csrf}"]


@pytest.mark.parametrize("role", ["anonymous", "operator", "supervisor", "editor"])
def test_every_response_is_documented(server: RunningServer, role: str, tmp_path: Path) -> None:
    headers = [] if role == "anonymous" else login(server, role)
    # Logged in, logging out would end the run's session: the anonymous run covers logout.
    keep_session = [] if role == "anonymous" else ["--exclude-path-regex", "/logout$"]
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        f"{server.base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        "25",
        "--seed",
        "20261130",
        "--generation-deterministic",
        "--workers",
        "1",
        "--no-color",
        *headers,
        *keep_session,
    ]
    env = {**server_env(tmp_path), "SCHEMATHESIS_TELEMETRY": "false"}
    env.pop("PERIMETER_DATA_DIR")
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path
    )
    report = ARTIFACTS / f"schemathesis-{role}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(result.stdout, encoding="utf-8")  # the whole report, for people
    summary = result.stdout[-6000:]
    assert result.returncode == 0, f"schemathesis as {role}:\n{summary}\n{result.stderr[-2000:]}"
    selected = re.search(r"Selected: (\d+)/(\d+)", summary)
    tested = re.search(r"Tested: (\d+)", summary)
    assert selected and tested, summary
    assert int(tested.group(1)) == int(selected.group(1)) > 0, "every operation was reached"


@pytest.mark.browser
def test_the_api_reference_page_works_offline_under_the_csp(
    server: RunningServer, page: Page
) -> None:
    """/docs renders every operation with assets the app serves itself, and the app's
    Content-Security-Policy refuses nothing on the way."""
    problems: list[str] = []
    fetched: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{server.base_url}/docs")
    page.wait_for_selector(".opblock", timeout=60_000)
    assert page.locator(".opblock").count() >= 25, "every operation is listed"
    assert page.locator(".information-container .title").inner_text().startswith("Perimeter")
    assert problems == [], problems
    foreign = [url for url in fetched if not url.startswith((server.base_url, "data:"))]
    assert foreign == [], "nothing is fetched from outside the bank"
