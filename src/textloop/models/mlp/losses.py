"""Classification losses over raw class scores: the mean loss and its gradient.

Both return the loss averaged over rows and the gradient with respect to the scores, so the
network's backward pass does not care which loss it trains. Cross-entropy gives calibrated
probabilities; the multiclass hinge (Crammer-Singer) stops pushing a row once its true class
wins by a margin of 1, which can be more robust to a few mislabeled rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Loss = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so large scores never overflow."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood of the true class under the softmax."""
    n = scores.shape[0]
    proba = softmax(scores)
    rows = np.arange(n)
    loss = float(-np.mean(np.log(np.maximum(proba[rows, y], 1e-12))))
    grad = proba
    grad[rows, y] -= 1.0
    return loss, grad / n


def multiclass_hinge(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Crammer-Singer hinge: ``max(0, 1 + max_{j != y} s_j - s_y)`` averaged over rows."""
    n = scores.shape[0]
    rows = np.arange(n)
    others = scores.copy()
    others[rows, y] = -np.inf
    rival = others.argmax(axis=1)
    margins = 1.0 + others[rows, rival] - scores[rows, y]
    active = margins > 0
    grad = np.zeros_like(scores)
    grad[rows[active], rival[active]] = 1.0
    grad[rows[active], y[active]] -= 1.0
    return float(np.mean(np.maximum(margins, 0.0))), grad / n


LOSSES: dict[str, Loss] = {"cross_entropy": cross_entropy, "hinge": multiclass_hinge}
