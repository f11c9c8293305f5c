"""Synthetic probabilities whose miscalibration is known in advance."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax


def overconfident(n: int, k: int, temperature: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from softmax(z); the "model" reports softmax(z * temperature).

    Dividing the reported log-probabilities by ``temperature`` gives back the true
    probabilities exactly, so temperature scaling should find ``temperature``.
    """
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, 1.5, size=(n, k))
    truth = softmax(logits, axis=1)
    y = np.array([rng.choice(k, p=row) for row in truth])
    return softmax(logits * temperature, axis=1), y


def squashed_binary(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positives drawn with probability q; the "model" reports sqrt(q) (too high, monotone)."""
    rng = np.random.default_rng(seed)
    q = rng.uniform(0.0, 1.0, n)
    y = (rng.uniform(0.0, 1.0, n) < q).astype(np.int64)
    reported = np.sqrt(q)
    return np.column_stack([1 - reported, reported]), y
