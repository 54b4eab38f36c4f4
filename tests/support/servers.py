"""Start the real product as a separate process (`perimeter serve`) for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from integrations.core_banking.sandbox.process import sandbox_command
from integrations.processes import child_process, free_port
from tests.conftest import KB_DIR


@dataclass
class RunningServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    data_dir: Path

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/ws/chat"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def server_env(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERIMETER_")}
    env.update(
        PERIMETER_DATA_DIR=str(data_dir),
        PERIMETER_KB_DIR=str(KB_DIR),
        PERIMETER_INTENTS_FILE=str(KB_DIR.parent / "intents" / "account.yaml"),
        PERIMETER_LOG_LEVEL="INFO",
        # The sample KB's curated FAQ would answer the questions these tests put to the
        # model; tests of the FAQ path turn it back on (retrieval__faq_min_score).
        PERIMETER_RETRIEVAL__FAQ_MIN_SCORE="1.01",
        # Every test client is 127.0.0.1 and a module's tests share one server; the limits
        # themselves are tested with their own servers.
        PERIMETER_CHAT__RATE_CONVERSATIONS="100000",
        PERIMETER_STAFF__LOGINS_PER_ADDRESS="10000",
    )
    env.update({f"PERIMETER_{k.upper()}": v for k, v in settings.items()})
    return env


@contextmanager
def embedded_llm_server(data_dir: Path, gguf: Path, **settings: str) -> Iterator[RunningServer]:
    """The product on its embedded defaults with the small test model, greedy decoding;
    ``settings`` as for :func:`perimeter_server`."""
    with perimeter_server(
        data_dir,
        llm__backend="llamacpp",
        llm__gguf_path=str(gguf),
        llm__max_tokens="64",
        llm__temperature="0",
        **settings,
    ) as running:
        yield running


_MIGRATED: set[tuple[Path, str]] = set()


def migrate(data_dir: Path, **settings: str) -> None:
    """``perimeter db upgrade``: the deployment's step before any server or command that
    uses the database (once per data directory and database of this test run)."""
    key = (data_dir.resolve(), settings.get("database__url", ""))
    if key in _MIGRATED:
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    _MIGRATED.add(key)
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        env=server_env(data_dir, **settings),
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def perimeter_server(
    data_dir: Path, *, startup_s: float = 180, **settings: str
) -> Iterator[RunningServer]:
    """``perimeter serve`` on a free loopback port; settings as ``llm__backend="ollama"``."""
    port = free_port()
    log = data_dir / f"server-{port}.log"
    migrate(data_dir, **settings)
    argv = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    base_url = f"http://127.0.0.1:{port}"
    with child_process(
        argv,
        log=log,
        env=server_env(data_dir, **settings),
        health_url=f"{base_url}/healthz",
        startup_s=startup_s,
    ) as process:
        yield RunningServer(base_url, process, log, data_dir)


@contextmanager
def llama_cpp_server(
    gguf: Path, alias: str, log_dir: Path, *, context: int = 2048, threads: int = 2
) -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server (``python -m llama_cpp.server``), a real process on
    a free loopback port serving ``gguf`` as ``alias``; yields its base URL (up to /v1)."""
    port = free_port()
    argv = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(context),
        "--n_threads", str(threads),
        "--model_alias", alias,
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    log = log_dir / f"llama-{alias}-{port}.log"
    with child_process(argv, log=log, health_url=f"{base}/models", startup_s=120):
        yield base


SANDBOX_TOKEN = "sandbox-test-token-0123456789"


@contextmanager
def sandbox_server(data: Path, *args: str, startup_s: float = 60) -> Iterator[str]:
    """The sandbox ABS as a real process on a free loopback port; yields its base URL.
    ``args`` are extra flags, e.g. ``"--otp-ttl-s", "1"``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERIMETER_")}
    env["PERIMETER_CORE_BANKING__TOKEN"] = SANDBOX_TOKEN
    argv = sandbox_command(data, port, *args)
    base_url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.gettempdir()) / f"perimeter-sandbox-{port}.log"
    with child_process(
        argv, log=log, env=env, health_url=f"{base_url}/healthz", startup_s=startup_s
    ):
        yield base_url


class HealthProbe:
    """Asks /healthz every 50 ms from its own thread and keeps how long each answer took."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.seconds: list[float] = []
        self.failures: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                status = client.get("/healthz").status_code
                self.seconds.append(time.perf_counter() - started)
                if status != 200:
                    self.failures.append(status)
                time.sleep(0.05)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
