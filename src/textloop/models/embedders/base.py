"""What the rest of textloop relies on: an embedder and a cache of embeddings.

Both are protocols so that a stage can take any embedder (ONNX here, a fine-tuned model
later) and any cache (the store's SQL table, a dict in a test) without importing them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from textloop.progress import NULL_PROGRESS, Progress


@runtime_checkable
class EmbeddingCache(Protocol):
    """Vectors keyed by (model id, content hash); missing hashes are simply absent."""

    def get(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None: ...


class BatchRunner(Protocol):
    """Where encoding runs: ``map_batches`` of an executor (``textloop.executors``, which
    this layer does not import), building ``make_fn()`` once per worker and streaming the
    results back in order."""

    def map_batches(self, make_fn: Callable[[], Callable[[Any], Any]],
                    batches: Iterable[Any]) -> Iterator[Any]: ...


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, in input order.

    ``model_id`` differs per model *and* precision, because it is the cache key: an int8
    vector must never be served where an fp32 one was asked for.
    """

    model_id: str
    dim: int

    def embed(self, texts: Sequence[str], *, hashes: Sequence[str] | None = None,
              cache: EmbeddingCache | None = None, progress: Progress = NULL_PROGRESS,
              batch_size: int = 64, runner: BatchRunner | None = None) -> np.ndarray: ...


def text_hash(text: str) -> str:
    """sha256 of the exact UTF-8 text: the embedding cache key.

    Deliberately not the store's ``content_hash``, which normalises (NFC, no zero-width
    characters) so that look-alike texts are one record: a vector is computed from the exact
    characters, so it is cached under them. For a text that is already normal, both agree.

    ``surrogatepass`` keeps lone surrogates (which real files contain) hashable instead of
    raising.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
