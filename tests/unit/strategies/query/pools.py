"""Tiny pools with known answers, shared by the strategy tests."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from textloop.strategies.query import QueryContext

# Four pool items whose rankings differ by measure (columns: four classes):
#   margin:           1 (0.00) < 2 (0.05) < 3 (0.27) < 0 (0.86)
#   least confidence: 2 (0.60) > 3 (0.55) > 1 (0.50) > 0 (0.10)
#   entropy:          3 (1.29) > 2 (1.08) > 1 (0.69) > 0 (0.43)
PROBA = np.array([[0.90, 0.04, 0.03, 0.03],
                  [0.50, 0.50, 0.00, 0.00],
                  [0.40, 0.35, 0.25, 0.00],
                  [0.45, 0.55 / 3, 0.55 / 3, 0.55 / 3]])
MARGIN_ORDER = [1, 2, 3, 0]
LEAST_CONFIDENCE_ORDER = [2, 3, 1, 0]
ENTROPY_ORDER = [3, 2, 1, 0]


def unit_rows(X: np.ndarray) -> np.ndarray:
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def context(pool_X: np.ndarray, proba: np.ndarray | None = None, *,
            labeled_X: np.ndarray | None = None, labeled_y: Any = (), seed: int = 0,
            make_classifier: Any = None) -> QueryContext:
    d = pool_X.shape[1]
    return QueryContext(
        pool_X=pool_X, labeled_X=np.empty((0, d)) if labeled_X is None else labeled_X,
        labeled_y=np.asarray(labeled_y, dtype=object), proba=proba,
        classes=[] if proba is None else [f"c{j}" for j in range(proba.shape[1])],
        make_classifier=make_classifier, rng=np.random.default_rng(seed))


def blobs(sizes: list[int], dim: int = 8, spread: float = 0.05,
          seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points around ``len(sizes)`` orthogonal directions: (X, cluster of each row, centres)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[: len(sizes)]
    groups = np.repeat(np.arange(len(sizes)), sizes)
    X = centres[groups] + rng.normal(0.0, spread, size=(groups.shape[0], dim))
    return unit_rows(X), groups, centres


def logistic() -> LogisticRegression:
    return LogisticRegression(C=10.0, max_iter=1000)
