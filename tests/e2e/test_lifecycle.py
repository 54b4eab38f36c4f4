"""What the bank's orchestrator sees of one process: it refuses a database without this
version's schema, says when it is ready and what is not, logs JSON lines with request ids,
and stops within its grace period even with a model summary being written."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.doubles.ollama_server import (
    DEFAULT_MODEL,
    OllamaDoubleConfig,
    run_ollama_double_in_thread,
)
from tests.support.servers import perimeter_server, server_env
from tests.support.webchat import open_chat


def test_serve_refuses_a_database_without_this_versions_schema(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--port", "9"],
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "the database has no schema yet: run `perimeter db upgrade` first" in result.stderr


def test_ready_only_when_the_model_server_serves_the_configured_model(tmp_path: Path) -> None:
    model = OllamaDoubleConfig(models=["llama3.2:3b"])  # not the one configured
    with (
        run_ollama_double_in_thread(model) as ollama,
        perimeter_server(
            tmp_path, llm__backend="ollama", llm__ollama_host=ollama, llm__model=DEFAULT_MODEL
        ) as server,
    ):
        refused = httpx.get(f"{server.base_url}/readyz", timeout=10)
        assert refused.status_code == 503
        body = refused.json()
        assert body["status"] == "not_ready"
        assert body["checks"]["database"] == "ok" and body["checks"]["knowledge_base"] == "ok"
        assert DEFAULT_MODEL in body["checks"]["model"] and "llama3.2:3b" in body["checks"]["model"]
        assert httpx.get(f"{server.base_url}/healthz", timeout=10).status_code == 200  # alive
        model.models.append(DEFAULT_MODEL)  # the bank pulls the model
        ready = httpx.get(f"{server.base_url}/readyz", timeout=10)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_json_logs_carry_the_request_id_from_the_proxy(tmp_path: Path) -> None:
    unused_model = {
        "llm__backend": "openai",
        "llm__openai_base_url": "http://127.0.0.1:9/v1",
        "llm__model": "unused",
    }
    with perimeter_server(tmp_path, log_format="json", **unused_model) as server:
        answered = httpx.get(
            f"{server.base_url}/healthz", headers={"X-Request-ID": "proxy-req-42"}, timeout=10
        )
        assert answered.headers["X-Request-ID"] == "proxy-req-42"
        made_up = httpx.get(f"{server.base_url}/healthz", headers={"X-Request-ID": "bad id!"})
        assert made_up.headers["X-Request-ID"] != "bad id!"  # not echoed into the logs
        time.sleep(0.5)
        lines = [line for line in server.log_text().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert entries and all(
        {"ts", "level", "logger", "message", "request_id"} <= e.keys() for e in entries
    )
    assert any(e["request_id"] == "proxy-req-42" and "/healthz" in e["message"] for e in entries)


def test_sigterm_with_a_summary_being_written_stops_within_the_grace_period(
    tmp_path: Path,
) -> None:
    """Tried on 431e5ba: still «waiting for background tasks» 60 s after SIGTERM."""
    model = OllamaDoubleConfig(models=[DEFAULT_MODEL], reply="Клиент просит оператора.", delay_s=30)
    with (
        run_ollama_double_in_thread(model) as ollama,
        perimeter_server(
            tmp_path,
            llm__backend="ollama",
            llm__ollama_host=ollama,
            llm__model=DEFAULT_MODEL,
            operators__working_hours="00:00-24:00",
            http__shutdown_grace_s="3",
        ) as server,
    ):

        async def scenario() -> tuple[int, float]:
            ws, _ = await open_chat(server.ws_url)  # stays open through the shutdown
            await ws.send(
                json.dumps({"type": "message", "text": "Позовите, пожалуйста, оператора"})
            )
            while json.loads(await ws.recv())["type"] != "reply":
                pass
            deadline = time.monotonic() + 30
            while not model.requests:  # the summary is being written
                assert time.monotonic() < deadline, "no summary was asked of the model"
                await asyncio.sleep(0.1)
            stopped_at = time.monotonic()
            os.killpg(server.process.pid, signal.SIGTERM)
            code = await asyncio.to_thread(server.process.wait, 30)
            took = time.monotonic() - stopped_at
            with contextlib.suppress(websockets.ConnectionClosed):
                await ws.close()
            return code, took

        code, took = asyncio.run(scenario())
    print(f"\nstopped {took:.1f} s after SIGTERM (grace 3 s)")
    # uvicorn re-raises the signal once it has shut down cleanly: the orchestrator sees it.
    assert code in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in server.log_text()
    assert took < 3 * 2 + 5  # the HTTP grace, then the summary's grace, then the exit


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
