"""Put first on PYTHONPATH of a process under test: with ``EGRESS_LOG_FOR_TESTS`` set, every
name it resolves and every internet-socket connection it opens is appended to that file
(a Python audit hook: httpx, asyncpg, the Hugging Face hub, aiogram all connect through
``socket``).

uvloop connects in C, below the audit hooks, so it is hidden here: uvicorn then runs the
standard asyncio loop, whose every connection the hook sees. The product's code is the same.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

_LOG = os.environ.get("EGRESS_LOG_FOR_TESTS")


def _record(line: str) -> None:
    assert _LOG is not None
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(line + "\n")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.getaddrinfo" and args and args[0]:
        host = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        _record(f"resolve {host}")
    elif event == "socket.connect":
        sock, address = args
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
            _record(f"connect {address[0]}")


if _LOG:
    sys.modules["uvloop"] = None  # type: ignore[assignment]  # import fails: asyncio's loop
    sys.addaudithook(_hook)
