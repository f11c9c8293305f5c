"""Per-epoch metrics of an iterative classifier (MLP head or fine-tuned encoder), under the
keys the training monitor reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from textloop.models.mlp.losses import LOSSES


def encode_labels(classes: np.ndarray, y: Sequence[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(classes)}
    return np.array([index[label] for label in y], dtype=np.int64)


def known_rows(classes: np.ndarray, validation: tuple[Any, Sequence[str]]
               ) -> tuple[list[str], np.ndarray]:
    """Validation texts and label indices; rows of labels unseen in training are left out,
    because the model has no output for them."""
    texts, labels = list(validation[0]), list(validation[1])
    known = set(classes)
    keep = [i for i, label in enumerate(labels) if label in known]
    return [texts[i] for i in keep], encode_labels(classes, [labels[i] for i in keep])


def scored(prefix: str, scores: np.ndarray, y_idx: np.ndarray, loss: str) -> dict[str, float]:
    """``PREFIX/loss`` (``loss`` on the class scores), ``PREFIX/accuracy``, ``PREFIX/macro_f1``.

    For cross-entropy, scores may be log-probabilities: their softmax is the probabilities.
    """
    with np.errstate(all="ignore"):
        value, _ = LOSSES[loss](scores.astype(np.float64), y_idx)
    predicted = scores.argmax(axis=1)
    f1 = f1_score(y_idx, predicted, labels=np.arange(scores.shape[1]), average="macro",
                  zero_division=0.0)
    accuracy = float(np.mean(predicted == y_idx))
    return {f"{prefix}/loss": float(value), f"{prefix}/accuracy": accuracy,
            f"{prefix}/macro_f1": float(f1)}
