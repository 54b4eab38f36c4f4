"""``/readyz``: whether this process can serve customers now, part by part.

Each check raises when its part is not ready; all run at once, each within ``timeout_s``.
The answer names each part and, for one that is not ready, why, in words that carry no
credential (a server's own error text is logged, not returned).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from integrations.llm import ModelNotReady
from rag.errors import RagError

log = logging.getLogger(__name__)
Check = Callable[[], Awaitable[None]]
OK = "ok"


class Readiness:
    def __init__(self, checks: Mapping[str, Check], timeout_s: float = 3.0) -> None:
        self._checks = dict(checks)
        self._timeout_s = timeout_s

    async def check(self) -> dict[str, str]:
        """Each part: ``ok`` or why it is not ready."""
        names = list(self._checks)
        results = await asyncio.gather(*(self._one(name) for name in names))
        return dict(zip(names, results, strict=True))

    async def _one(self, name: str) -> str:
        try:
            await asyncio.wait_for(self._checks[name](), self._timeout_s)
        except TimeoutError:
            return f"no answer within {self._timeout_s:g} s"
        except (ModelNotReady, RagError) as exc:
            return str(exc)
        except Exception as exc:
            log.warning("readiness of %s: %s", name, exc)
            return f"unavailable ({type(exc).__name__})"
        return OK
