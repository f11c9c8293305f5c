"""A regression release's numeric target: per-split statistics for the release card.

Splits are stratified on quantile bins of the target (``RegressionTask.strata``), so train,
validation and test each cover the whole range.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.stages.release.split import SPLITS


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
