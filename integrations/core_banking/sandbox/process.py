"""The sandbox as a child process on a free loopback port (``perimeter eval --bank-data``).

A fresh sandbox per run, seeded from the given file, with a random token that never leaves
this process tree; stopped with its process group.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


class SandboxStartError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class RunningSandbox:
    base_url: str
    token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sandbox_command(data: Path, port: int, *flags: str) -> list[str]:
    """The command line of a sandbox on 127.0.0.1:``port`` (the token comes by environment)."""
    return [
        sys.executable,
        "-m",
        "integrations.core_banking.sandbox",
        "--data",
        str(data),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *flags,
    ]


@contextmanager
def running_sandbox(
    data: Path, *, log: Path, startup_s: float = 60, otp_resend_s: float = 0
) -> Iterator[RunningSandbox]:
    port, token = _free_port(), secrets.token_urlsafe(24)
    env = {**os.environ, "PERIMETER_CORE_BANKING__TOKEN": token}
    argv = sandbox_command(data, port, "--otp-resend-s", str(otp_resend_s))
    base_url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            argv, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            deadline = time.monotonic() + startup_s
            while True:
                if process.poll() is not None:
                    raise SandboxStartError(f"the sandbox exited early; see {log}")
                try:
                    if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SandboxStartError(f"the sandbox did not start in {startup_s:.0f} s")
                time.sleep(0.2)
            yield RunningSandbox(base_url, token)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
