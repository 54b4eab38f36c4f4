"""Errors of the knowledge-base package.

RagError
├── DocumentError         one source file cannot be read (names the file and why)
├── StoreError            the vector store failed
│   └── StoreLocked       local-mode storage folder already used by another process
├── EmbeddingError        the embedding model failed to load or run
└── GenerationError       the language model failed or timed out
    ├── GenerationTimeout
    └── ModelBusy         its queue is full (rag.admission): refused before waiting
"""

from __future__ import annotations

from pathlib import Path


class RagError(Exception):
    pass


class DocumentError(RagError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreError(RagError):
    pass


class StoreLocked(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the knowledge-base folder {path} is in use by another Perimeter process; "
            "stop it or point PERIMETER_QDRANT__PATH (or PERIMETER_QDRANT__URL) elsewhere"
        )
        self.path = path


class EmbeddingError(RagError):
    pass


class GenerationError(RagError):
    pass


class GenerationTimeout(GenerationError):
    pass


class ModelBusy(GenerationError):
    """The model's queue is full: the request was refused at once, not queued."""
