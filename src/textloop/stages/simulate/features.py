"""Embeddings for simulations, cached across runs in the user cache folder.

A simulation has no project store, yet trying five strategies on the same file must not
embed it five times: vectors are kept in a store of their own under the user cache
(``$TEXTLOOP_CACHE_DIR/embeddings``), keyed like every other cache by model and text hash.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textloop.models.embedders import Embedder, EmbeddingCache, get_embedder
from textloop.progress import NULL_PROGRESS, Progress
from textloop.storage import Store
from textloop.wheels import cache_dir

EMBEDDER = "minilm-int8"


def embed_texts(texts: Sequence[str], *, embedder: Embedder | None = None,
                cache: EmbeddingCache | None = None,
                progress: Progress = NULL_PROGRESS) -> np.ndarray:
    """[n, d] L2-normalized vectors; ``cache`` defaults to the persistent user cache."""
    model = embedder or get_embedder(EMBEDDER)
    if cache is not None:
        return model.embed(list(texts), cache=cache, progress=progress)
    folder = cache_dir("embeddings")
    with Store(f"sqlite:///{folder / 'cache.db'}", folder) as store:
        return model.embed(list(texts), cache=store.embedding_cache, progress=progress)
