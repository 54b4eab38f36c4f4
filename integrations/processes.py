"""A helper program as a child process: in a process group of its own, ready when its health
URL answers 200, and stopped with its whole group (SIGTERM, then SIGKILL) on the way out.

Used by ``perimeter eval`` for its sandbox ABS, and by the end-to-end tests for the servers
they start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx


class ChildStartError(Exception):
    """The child exited or did not answer its health check in time; the log is quoted."""


def free_port() -> int:
    """A TCP port on the loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def child_process(
    argv: list[str],
    *,
    log: Path,
    env: Mapping[str, str] | None = None,
    health_url: str | None = None,
    startup_s: float = 60,
    stop_s: float = 30,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``argv`` (output appended to ``log``); with ``health_url``, wait until it answers
    200 before yielding. The child's process group is stopped however the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            argv,
            env=dict(env) if env is not None else None,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        if health_url is not None:
            _wait_healthy(process, health_url, log, startup_s)
        yield process
    finally:
        _stop(process, stop_s)


def _wait_healthy(
    process: subprocess.Popen[bytes], health_url: str, log: Path, startup_s: float
) -> None:
    deadline = time.monotonic() + startup_s
    while True:
        if process.poll() is not None:
            raise ChildStartError(f"{process.args!r} exited {process.returncode}:\n{_tail(log)}")
        try:
            if httpx.get(health_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise ChildStartError(f"{process.args!r} not up in {startup_s:.0f} s:\n{_tail(log)}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes], stop_s: float) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=stop_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:]
