"""The sandbox as a child process on a free loopback port (``perimeter eval --bank-data``).

A fresh sandbox per run, seeded from the given file, with a random token that never leaves
this process tree; stopped with its process group.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from integrations.processes import ChildStartError, child_process, free_port


class SandboxStartError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class RunningSandbox:
    base_url: str
    token: str


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
    port, token = free_port(), secrets.token_urlsafe(24)
    base_url = f"http://127.0.0.1:{port}"
    try:
        with child_process(
            sandbox_command(data, port, "--otp-resend-s", str(otp_resend_s)),
            log=log,
            env={**os.environ, "PERIMETER_CORE_BANKING__TOKEN": token},
            health_url=f"{base_url}/healthz",
            startup_s=startup_s,
            stop_s=10,
        ):
            yield RunningSandbox(base_url, token)
    except ChildStartError as exc:
        raise SandboxStartError(f"the sandbox did not start; see {log}") from exc
