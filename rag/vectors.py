"""Similarity of embedding vectors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    """The cosine of two vectors that are already unit length."""
    return sum(x * y for x, y in zip(a, b, strict=False))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    norms = math.sqrt(dot(a, a)) * math.sqrt(dot(b, b))
    return dot(a, b) / norms if norms else 0.0


def unit(vector: Sequence[float] | np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``vector`` as float32 of length 1 (a zero vector stays zero): cosines become dot
    products, and a matrix of them one product."""
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array
