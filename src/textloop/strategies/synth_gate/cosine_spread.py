"""Diversity as the mean pairwise cosine distance between the texts' embeddings.

For unit vectors the mean cosine over all ordered pairs i != j is
``(|sum v|^2 - n) / (n (n - 1))``, so the measure costs one sum over the vectors instead of
an n x n matrix. Paraphrases of one sentence sit close together (near 0); texts about
different things spread out (MiniLM: about 0.6 to 0.9 for unrelated sentences).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class CosineSpread:
    needs_vectors = True

    def __call__(self, texts: Sequence[str], vectors: np.ndarray | None) -> float:
        """1 - mean cosine similarity over distinct pairs; 0.0 for fewer than two texts."""
        if vectors is None:
            raise ValueError("cosine-spread needs the texts' embeddings")
        n = len(vectors)
        if n < 2:
            return 0.0
        x = np.asarray(vectors, dtype=np.float64)
        x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        total = x.sum(axis=0)
        mean_cosine = (float(total @ total) - n) / (n * (n - 1))
        return 1.0 - mean_cosine


def cosine_spread_v1(language: str | None = None) -> CosineSpread:
    """Embeddings carry the language (or not) themselves: ``language`` is not read."""
    return CosineSpread()
