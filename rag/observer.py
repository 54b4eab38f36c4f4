"""What the knowledge path reports about itself: the model's output and the answer cache.

The service's metrics implement :class:`AnswerObserver`; without one nothing is reported.
Only counts and durations cross this line, never a question or an answer.
"""

from __future__ import annotations

from typing import Protocol


class AnswerObserver(Protocol):
    def generated(self, tokens: int, seconds: float) -> None:
        """The model wrote ``tokens`` pieces of text in ``seconds`` (first to last)."""

    def model_failed(self, kind: str) -> None:
        """A generation failed: ``timeout`` or ``unavailable``."""

    def cache_lookup(self, hit: bool) -> None: ...

    def cache_size(self, entries: int) -> None: ...

    def cache_invalidated(self, entries: int) -> None:
        """``entries`` cached answers were dropped: a document they cite changed."""


class NullAnswerObserver:
    def generated(self, tokens: int, seconds: float) -> None:
        pass

    def model_failed(self, kind: str) -> None:
        pass

    def cache_lookup(self, hit: bool) -> None:
        pass

    def cache_size(self, entries: int) -> None:
        pass

    def cache_invalidated(self, entries: int) -> None:
        pass
