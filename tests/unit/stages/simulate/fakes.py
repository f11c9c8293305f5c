"""Stand-ins for the embedding model and its cache, so simulations run in milliseconds."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.models.embedders import text_hash


class WordHashEmbedder:
    """Bag of hashed words, L2-normalized: texts sharing words get close vectors."""

    model_id = "test/word-hash"
    dim = 64

    def __init__(self) -> None:
        self.embedded = 0

    def embed(self, texts: Sequence[str], *, hashes: Sequence[str] | None = None,
              cache: Any = None, progress: Any = None, batch_size: int = 64) -> np.ndarray:
        keys = [text_hash(t) for t in texts]
        found = cache.get(self.model_id, keys) if cache is not None else {}
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.embedded += len(missing)
        if cache is not None and missing:
            cache.put(self.model_id, [keys[i] for i in missing],
                      np.stack([self._vector(texts[i]) for i in missing]))
        return np.stack([found[k] if k in found else self._vector(t)
                         for k, t in zip(keys, texts, strict=True)])

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            vector[zlib.crc32(word.encode()) % self.dim] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-9)


class DictCache:
    def __init__(self) -> None:
        self.vectors: dict[tuple[str, str], np.ndarray] = {}

    def get(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        return {h: self.vectors[(model_id, h)] for h in hashes if (model_id, h) in self.vectors}

    def put(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        for h, v in zip(hashes, vectors, strict=True):
            self.vectors[(model_id, h)] = v


TOPICS = {"sport": "match goal team league coach win score",
          "money": "bank loan rate price market stock fund",
          "food": "recipe bake cook dinner taste salt bread"}


def topic_rows(n_per_label: int, seed: int = 0) -> list[dict[str, str]]:
    """Short texts drawn from each topic's words plus shared filler, one label per topic."""
    rng = np.random.default_rng(seed)
    filler = ["the", "a", "of", "and", "today", "really", "new"]
    rows = []
    for label, words in TOPICS.items():
        vocab = words.split()
        for i in range(n_per_label):
            picked = list(rng.choice(vocab, 3)) + list(rng.choice(filler, 3))
            rows.append({"text": " ".join(picked) + f" #{i}", "label": label})
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]
