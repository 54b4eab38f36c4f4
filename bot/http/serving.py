"""Several uvicorn servers in one process: the customers' port, the staff port, the gateway's.

The customers' server owns the process's signals and the app that starts and stops the
shared container; the others open once that has started and close after it stops.
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


async def serve_apart(customers: uvicorn.Config, *others: uvicorn.Config) -> bool:
    """Serve them all until the customers' server stops (SIGTERM, Ctrl+C); False when another
    could not start (its port taken), after stopping the rest."""
    leading = uvicorn.Server(customers)
    main = asyncio.create_task(leading.serve())
    while not leading.started and not main.done():  # noqa: ASYNC110 - uvicorn sets a flag
        await asyncio.sleep(0.05)
    if main.done():
        await main
        return True
    following = [_FollowingServer(config) for config in others]
    tasks = {asyncio.create_task(server.serve()): server for server in following}
    done, _ = await asyncio.wait({main, *tasks}, return_when=asyncio.FIRST_COMPLETED)
    failed = [tasks[task] for task in done if task in tasks]
    for server in failed:
        log.error(
            "the port %s:%s could not be served; stopping", server.config.host, server.config.port
        )
        leading.should_exit = True
    await main
    for server in following:
        server.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)
    return not failed
