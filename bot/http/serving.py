"""Two uvicorn servers in one process: the customers' port and the staff port.

The customers' server owns the process's signals and the app that starts and stops the
shared container; the staff server opens once that has started and closes after it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator

import uvicorn

log = logging.getLogger(__name__)


class _FollowingServer(uvicorn.Server):
    """A server that leaves the process's signals to the server it follows."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve_apart(customers: uvicorn.Config, staff: uvicorn.Config) -> bool:
    """Serve both until the customers' server stops (SIGTERM, Ctrl+C); False when the staff
    server could not start (its port taken), after stopping the customers' one."""
    leading, following = uvicorn.Server(customers), _FollowingServer(staff)
    main = asyncio.create_task(leading.serve())
    while not leading.started and not main.done():  # noqa: ASYNC110 - uvicorn sets a flag
        await asyncio.sleep(0.05)
    if main.done():
        await main
        return True
    second = asyncio.create_task(following.serve())
    done, _ = await asyncio.wait({main, second}, return_when=asyncio.FIRST_COMPLETED)
    if second in done:
        log.error("the staff port %s:%s could not be served; stopping", staff.host, staff.port)
        leading.should_exit = True
        await main
        return False
    following.should_exit = True
    await second
    return True
