"""The dialogue's ``Redactor`` over the detector: off the event loop, counted by kind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.privacy.detector import PiiDetector
from bot.privacy.kinds import PiiKind


class PiiRedactor:
    def __init__(
        self, detector: PiiDetector, on_found: Callable[[PiiKind], None] | None = None
    ) -> None:
        self._detector = detector
        self._on_found = on_found

    async def redact(self, text: str) -> str:
        """``text`` with its personal data replaced; the NER runs in a worker thread."""
        if not text:
            return text
        return await asyncio.to_thread(self._redact, text)

    def _redact(self, text: str) -> str:
        redacted, found = self._detector.redact_and_find(text)
        if self._on_found is not None:
            for finding in found:
                self._on_found(finding.kind)
        return redacted
