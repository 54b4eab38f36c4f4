"""A real Redis (Debian's ``redis-server``) as a child process, for the shared-state tests."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from integrations.processes import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """``redis-server`` on a free loopback port, in-memory only; its URL."""
    if not Path(REDIS_SERVER).exists():
        raise RuntimeError("redis-server is missing: run `bash scripts/system-deps.sh`")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    argv = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(folder)]
    log = (folder / "redis.log").open("wb")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not start; see {folder / 'redis.log'}")
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
