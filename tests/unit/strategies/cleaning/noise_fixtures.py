"""Synthetic out-of-fold probabilities where the truth is known: each record's true-class
probabilities come from a model of chosen strength, its true class is drawn from them and its
given label from a known noise matrix, so the probabilities of the given label are exactly
calibrated, as the views' out-of-fold probabilities are meant to be."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Synthetic:
    given: np.ndarray
    true: np.ndarray
    proba: np.ndarray
    """[n, k] P(given label | record): what out-of-fold views estimate."""
    flipped: np.ndarray


def synthetic(strength: float, noise: list[list[float]], n: int = 6000, seed: int = 0
              ) -> Synthetic:
    """``noise[t][g]`` = P(given g | true t); ``strength`` sharpens the model's beliefs."""
    rng = np.random.default_rng(seed)
    matrix = np.asarray(noise, dtype=np.float64)
    k = len(matrix)
    centre = rng.integers(k, size=n)
    logits = strength * np.eye(k)[centre] + rng.normal(size=(n, k))
    belief = np.exp(logits - logits.max(axis=1, keepdims=True))
    belief /= belief.sum(axis=1, keepdims=True)
    true = (rng.random(n)[:, None] > np.cumsum(belief, axis=1)).sum(axis=1)
    given = (rng.random(n)[:, None] > np.cumsum(matrix[true], axis=1)).sum(axis=1)
    return Synthetic(given, true, belief @ matrix, given != true)


BINARY = [[0.8, 0.2], [0.1, 0.9]]
THREE = [[0.8, 0.15, 0.05], [0.0, 0.9, 0.1], [0.2, 0.0, 0.8]]


def sparse_noise(k: int, rate: float, seed: int = 0) -> list[list[float]]:
    """``noise[t][g]`` where each class t sends ``rate`` of its records to two other classes
    drawn at random, with shares 0.7 and 0.3 (the benchmark's flips on many classes)."""
    rng = np.random.default_rng(seed)
    matrix = np.zeros((k, k))
    for t in range(k):
        to = rng.choice([g for g in range(k) if g != t], 2, replace=False)
        matrix[t, t] = 1.0 - rate
        matrix[t, to] = (0.7 * rate, 0.3 * rate)
    return matrix.tolist()
