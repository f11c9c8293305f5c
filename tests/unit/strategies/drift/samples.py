"""Embedding-like samples where the answer is known: Gaussian rows, some shifted along one axis."""

from __future__ import annotations

import numpy as np

DIM = 16


def gaussian(rng: np.random.Generator, n: int, shift: float = 0.0) -> np.ndarray:
    x = rng.normal(size=(n, DIM))
    x[:, 0] += shift
    return x


def shifted_window(rng: np.random.Generator) -> np.ndarray:
    """150 rows: the first 100 like the reference, the last 50 far along one axis."""
    return np.vstack([gaussian(rng, 100), gaussian(rng, 50, 4.0)])
