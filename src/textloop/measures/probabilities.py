"""Class probabilities in the project's label order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def align_proba(proba: np.ndarray, model_labels: Sequence[str],
                labels: Sequence[str]) -> np.ndarray:
    """Reorder probability columns to ``labels``; labels the model never saw get 0."""
    out = np.zeros((proba.shape[0], len(labels)), dtype=np.float64)
    position = {label: i for i, label in enumerate(model_labels)}
    for j, label in enumerate(labels):
        if label in position:
            out[:, j] = proba[:, position[label]]
    return out
