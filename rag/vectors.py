"""Similarity of embedding vectors."""

from __future__ import annotations

import math
from collections.abc import Sequence


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    """The cosine of two vectors that are already unit length."""
    return sum(x * y for x, y in zip(a, b, strict=False))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    norms = math.sqrt(dot(a, a)) * math.sqrt(dot(b, b))
    return dot(a, b) / norms if norms else 0.0
