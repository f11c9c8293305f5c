"""Regression losses over a one-column score: the mean loss and its gradient.

Targets are standardized before training (zero mean, unit spread), so one Huber ``delta``
of 1.0 means "one standard deviation" whatever the rating scale. MSE chases the mean and
punishes large misses most; MAE chases the median and shrugs off outliers; Huber is MSE
near the target and MAE far from it.
"""

from __future__ import annotations

import numpy as np

from textloop.models.mlp.losses import Loss

HUBER_DELTA = 1.0


def _residual(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, int]:
    return scores[:, 0] - y, scores.shape[0]


def mse(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error."""
    r, n = _residual(scores, y)
    return float(np.mean(r ** 2)), (2.0 * r / n)[:, None]


def mae(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean absolute error (sub-gradient 0 at an exact hit)."""
    r, n = _residual(scores, y)
    return float(np.mean(np.abs(r))), (np.sign(r) / n)[:, None]


def huber(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Huber loss with ``delta`` = one standard deviation of the target."""
    r, n = _residual(scores, y)
    small = np.abs(r) <= HUBER_DELTA
    loss = np.where(small, 0.5 * r ** 2, HUBER_DELTA * (np.abs(r) - 0.5 * HUBER_DELTA))
    grad = np.where(small, r, HUBER_DELTA * np.sign(r))
    return float(np.mean(loss)), (grad / n)[:, None]


REGRESSION_LOSSES: dict[str, Loss] = {"mse": mse, "mae": mae, "huber": huber}
