"""Telegram's webhook in the running web app: `perimeter serve` as a process, real HTTP POSTs,
the Bot API double (in its own thread) receiving setWebhook and the replies."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.doubles.telegram_api import TelegramDouble, double_in_thread, message_update
from tests.support.servers import RunningServer, perimeter_server

TOKEN = "654321:WEBHOOK-test-token"
SECRET = "webhook-secret_0123456789"
PUBLIC_URL = "https://chat.bank.example/telegram/webhook"


@pytest.fixture(scope="module")
def telegram() -> Iterator[tuple[TelegramDouble, str]]:
    with double_in_thread(TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def server(
    telegram: tuple[TelegramDouble, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    _, api_base = telegram
    with perimeter_server(
        tmp_path_factory.mktemp("telegram-webhook"),
        llm__backend="openai",
        llm__openai_base_url="http://127.0.0.1:9/v1",
        llm__model="unused",
        telegram__token=TOKEN,
        telegram__api_base=api_base,
        telegram__webhook_secret=SECRET,
        telegram__webhook_url=PUBLIC_URL,
    ) as running:
        yield running


def post(server: RunningServer, update: dict[str, object], secret: str | None) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return httpx.post(f"{server.base_url}/telegram/webhook", json=update, headers=headers)


def wait_for_sent(double: TelegramDouble, count: int, within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while len(double.sent) < count:
        assert time.monotonic() < deadline, f"expected {count} messages, got {double.sent}"
        time.sleep(0.05)


def test_the_webhook_is_registered_with_its_secret(
    server: RunningServer, telegram: tuple[TelegramDouble, str]
) -> None:
    double, _ = telegram
    assert double.webhook is not None
    assert (double.webhook["url"], double.webhook["secret_token"]) == (PUBLIC_URL, SECRET)


@pytest.mark.parametrize(("secret", "update_id"), [(None, 101), ("", 102), ("wrong-secret", 103)])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_processed(
    server: RunningServer, telegram: tuple[TelegramDouble, str], secret: str | None, update_id: int
) -> None:
    double, _ = telegram
    before = len(double.sent)
    response = post(server, message_update(update_id, text="привет"), secret)
    assert response.status_code == 401
    time.sleep(0.5)
    assert len(double.sent) == before
    # The same update with the right secret is then processed: nothing was stored before.
    assert post(server, message_update(update_id, text="привет"), SECRET).status_code == 200
    wait_for_sent(double, before + 1)


def test_the_same_update_three_times_is_answered_once(
    server: RunningServer, telegram: tuple[TelegramDouble, str]
) -> None:
    double, _ = telegram
    before = len(double.sent)
    update = message_update(200, chat_id=777, text="здравствуйте")
    assert [post(server, update, SECRET).status_code for _ in range(3)] == [200, 200, 200]
    wait_for_sent(double, before + 1)
    time.sleep(1.0)
    assert [m.chat_id for m in double.sent[before:]] == [777]


def test_a_body_that_is_not_an_update_is_a_400(server: RunningServer) -> None:
    response = httpx.post(
        f"{server.base_url}/telegram/webhook",
        content=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_the_token_is_not_in_the_server_log(server: RunningServer) -> None:
    assert TOKEN.split(":")[1] not in Path(server.log).read_text(encoding="utf-8")
