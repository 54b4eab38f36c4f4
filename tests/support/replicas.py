"""Several ``perimeter serve`` replicas over one PostgreSQL and one Redis, started the way a
deployment starts them: the migration step first (from every replica at once, as init
containers would), then all the replicas at once, each ready when its /readyz says so."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from integrations.processes import child_process, free_port
from tests.support.servers import server_env


@dataclass
class Replica:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/ws/chat"


def upgrade_at_once(folders: Sequence[Path], settings: Mapping[str, str]) -> list[str]:
    """``perimeter db upgrade`` from every folder at once; each one's output."""
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            env=server_env(folder, **settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for folder in folders
    ]
    outputs = [process.communicate(timeout=180)[0].decode() for process in upgrades]
    assert [process.returncode for process in upgrades] == [0] * len(folders), outputs
    return outputs


def start_replicas(
    stack: ExitStack,
    folders: Sequence[Path],
    settings: Mapping[str, str],
    *,
    ready_path: str = "/readyz",
) -> list[Replica]:
    """A replica per folder (its own local index), all started at once, each ready."""
    replicas = []
    for name, folder in zip("abcdefgh", folders, strict=False):
        port = free_port()
        log = folder / "serve.log"
        argv = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
        env = server_env(folder, **settings)
        process = stack.enter_context(child_process(argv, log=log, env=env, stop_s=30))
        replicas.append(Replica(name, f"http://127.0.0.1:{port}", process, log))
    for replica in replicas:
        wait_ready(replica, ready_path)
    return replicas


def wait_ready(replica: Replica, path: str = "/readyz", within_s: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + within_s
    last: Any = None
    while time.monotonic() < deadline:
        if replica.process.poll() is not None:
            raise AssertionError(f"{replica.name} exited:\n{replica.log.read_text()[-3000:]}")
        try:
            response = httpx.get(f"{replica.base_url}{path}", timeout=5)
            last = response.json()
            if response.status_code == 200:
                return dict(last)
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{replica.name} not ready: {last}\n{replica.log.read_text()[-3000:]}")
