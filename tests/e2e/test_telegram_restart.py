"""Delivery across a restart: `perimeter telegram` (long polling) as a real process, killed
with SIGKILL while the model is still writing, then started again. The update is answered
exactly once: the ledger had stored it, the new process resumes it, and Telegram's redelivery
of the same update_id is ignored."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from integrations.processes import child_process
from tests.support.doubles.ollama_server import OllamaDoubleConfig, run_ollama_double_in_thread
from tests.support.doubles.telegram_api import double_in_thread, message_update
from tests.support.servers import migrate, server_env

TOKEN = "111222:RESTART-test-token"
MODEL = "qwen2.5:7b-instruct-q4_K_M"


def telegram_process(
    env: dict[str, str], log: Path
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    return child_process([sys.executable, "-m", "bot.cli", "telegram"], log=log, env=env)


def wait_until(condition: Callable[[], object], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def ledger(data_dir: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(f"file:{data_dir / 'perimeter.db'}?mode=ro", uri=True) as db:
        return list(db.execute("SELECT update_id, status FROM telegram_updates"))


def test_killed_mid_update_and_restarted_answers_exactly_once(tmp_path: Path) -> None:
    ollama = OllamaDoubleConfig(
        models=[MODEL], reply="Обслуживание карты «Классика» стоит 99 ₽ в месяц.", delay_s=0.6
    )
    with (
        run_ollama_double_in_thread(ollama) as ollama_url,
        double_in_thread(TOKEN) as (telegram, api_base),
    ):
        env = server_env(
            tmp_path,
            telegram__token=TOKEN,
            telegram__api_base=api_base,
            telegram__polling_timeout_s="1",
            llm__backend="ollama",
            llm__ollama_host=ollama_url,
            llm__model=MODEL,
        )
        migrate(tmp_path)
        log = tmp_path / "telegram.log"
        telegram.push(message_update(31, chat_id=3101, text="сколько стоит обслуживание карты?"))
        with telegram_process(env, log) as first:
            wait_until(lambda: ollama.requests, 120, "the model to be asked")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        assert telegram.sent == [], "killed before the reply was sent"
        assert ledger(tmp_path) == [(31, "received")]

        with telegram_process(env, log):
            wait_until(lambda: ledger(tmp_path) == [(31, "done")], 120, "the resumed update")
            time.sleep(3)  # time for a duplicate to show up, if there were one
            sent = [m for m in telegram.sent if m.chat_id == 3101]
            assert len(sent) == 1, sent  # streamed: one message, edited to the final text
            assert "99 ₽" in sent[0].text and not sent[0].text.endswith("…")
        assert TOKEN.split(":")[1] not in log.read_text(encoding="utf-8")
