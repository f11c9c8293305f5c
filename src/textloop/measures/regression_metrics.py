"""Metrics of a regression model: how far predictions fall from the true numbers.

``mae`` and ``rmse`` are in the target's own unit (lower is better); ``r2`` is the share of
the target's variance explained (1 is perfect, 0 is no better than always predicting the
mean); ``spearman`` says whether the model ranks rows in the right order, which is what a
review queue sorted by score needs even when the numbers are off.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import pearsonr, spearmanr

from textloop.errors import InvalidInputError

HEADLINE = ("mae", "rmse", "r2", "spearman")


def regression_metrics(y_true: ArrayLike, y_pred: ArrayLike,
                       baseline: float | None = None) -> dict[str, Any]:
    """Errors, fit and rank agreement; ``baseline`` (the training mean) adds the MAE of
    always predicting it, so a reader sees what the model gains over a constant."""
    truth = np.asarray(y_true, dtype=np.float64)
    pred = np.asarray(y_pred, dtype=np.float64)
    if truth.shape != pred.shape or truth.ndim != 1 or not len(truth):
        raise InvalidInputError(f"regression metrics need two equal non-empty 1-D arrays "
                                f"(got {truth.shape} and {pred.shape})",
                                hint="pass one prediction per row")
    error = pred - truth
    spread = float(np.sum((truth - truth.mean()) ** 2))
    varied = spread > 0 and float(np.ptp(pred)) > 0
    out: dict[str, Any] = {
        "n": len(truth), "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error ** 2))),
        "median_ae": float(np.median(np.abs(error))), "max_error": float(np.max(np.abs(error))),
        "bias": float(np.mean(error)),
        "r2": 1.0 - float(np.sum(error ** 2)) / spread if spread > 0 else None,
        "spearman": float(spearmanr(truth, pred).statistic) if varied else None,
        "pearson": float(pearsonr(truth, pred).statistic) if varied else None,
        "target_mean": float(truth.mean()), "target_std": float(truth.std()),
    }
    if baseline is not None:
        out["baseline_mae"] = float(np.mean(np.abs(truth - baseline)))
    return out
