"""Constructed evaluated splits whose predictions are chosen row by row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.stages.evaluate.error_analysis import EvaluatedSplit


def proba_for(predicted: Sequence[str], labels: Sequence[str], top: float = 0.8) -> np.ndarray:
    """Probabilities whose argmax is ``predicted`` (``top`` on it, the rest shared)."""
    out = np.full((len(predicted), len(labels)), (1 - top) / (len(labels) - 1))
    for row, label in enumerate(predicted):
        out[row, list(labels).index(label)] = top
    return out


def split_of(y_true: Sequence[str], predicted: Sequence[str], labels: Sequence[str],
             metas: Sequence[dict[str, Any]], texts: Sequence[str] | None = None
             ) -> EvaluatedSplit:
    return EvaluatedSplit(texts=list(texts or [f"text {i}" for i in range(len(y_true))]),
                          y_true=list(y_true), metas=list(metas),
                          proba=proba_for(predicted, labels), labels=list(labels))
