"""How passages are found (a setting, so it lives apart from the heavy store module)."""

from __future__ import annotations

from enum import StrEnum


class RetrievalMode(StrEnum):
    DENSE = "dense"  # embeddings only
    SPARSE = "sparse"  # Russian lemmas / English stems with IDF only
    HYBRID = "hybrid"  # both, fused by reciprocal rank fusion
