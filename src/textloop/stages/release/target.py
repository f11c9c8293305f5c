"""A regression release's numeric target: strata for splitting and per-split statistics.

Splits are stratified on quantile bins of the target, so train, validation and test each
cover the whole range (a test split holding only the high ratings would say little).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.stages.release.split import SPLITS

STRATA = 5


def target_values(labels: Sequence[str]) -> np.ndarray:
    """The stored canonical spellings (``"4.0"``) as floats."""
    return np.asarray([float(label) for label in labels], dtype=np.float64)


def target_strata(values: np.ndarray, k: int = STRATA) -> list[int]:
    """Each value's quantile bin; ties share a bin, so fewer than ``k`` bins may be used."""
    if len(values) == 0:
        return []
    edges = np.unique(np.quantile(values, np.linspace(0, 1, k + 1)[1:-1]))
    bins = np.searchsorted(edges, values, side="right")
    return np.unique(bins, return_inverse=True)[1].tolist()  # numbered 0.. without gaps


def target_stats(values: np.ndarray, split: np.ndarray) -> dict[str, dict[str, Any]]:
    """split -> n, mean, std, min, median, max of the target (None where the split is empty)."""
    out: dict[str, dict[str, Any]] = {}
    for index, name in enumerate(SPLITS):
        part = values[split == index]
        if not len(part):
            out[name] = {"n": 0, "mean": None, "std": None, "min": None, "median": None,
                         "max": None}
            continue
        out[name] = {"n": len(part), "mean": float(part.mean()), "std": float(part.std()),
                     "min": float(part.min()), "median": float(np.median(part)),
                     "max": float(part.max())}
    return out
