"""When to stop labeling: stabilizing predictions (Bloodgood & Vijay-Shanker, 2009).

After each retraining, the new model predicts a fixed *stop set* of unlabeled items (it
needs no labels). When consecutive models agree almost perfectly on it, in Cohen's kappa
over the last few retrainings, more labels of the same kind are no longer changing the
model, and labeling effort is better spent elsewhere (other data, a harder guideline, a
bigger model). The original paper's defaults: a window of 3 and a threshold of 0.99.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError

WINDOW = 3
THRESHOLD = 0.99


def cohen_kappa(a: Sequence[Any] | np.ndarray, b: Sequence[Any] | np.ndarray) -> float:
    """Agreement of two label sequences beyond chance; 1.0 for identical sequences.

    When chance agreement is already total (both predict one and the same class
    everywhere) kappa is undefined; identical predictions then count as 1.0.
    """
    x, y = np.asarray(a).astype(str), np.asarray(b).astype(str)
    if x.shape != y.shape or x.ndim != 1 or x.shape[0] == 0:
        raise InvalidInputError(f"kappa needs two non-empty label lists of equal length "
                                f"(found {x.shape} and {y.shape})",
                                hint="predict the same stop set with every model")
    classes, codes = np.unique(np.concatenate([x, y]), return_inverse=True)
    cx, cy = codes[: x.shape[0]], codes[x.shape[0]:]
    observed = float(np.mean(cx == cy))
    px = np.bincount(cx, minlength=classes.shape[0]) / x.shape[0]
    py = np.bincount(cy, minlength=classes.shape[0]) / y.shape[0]
    expected = float(px @ py)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


class StabilizingPredictions:
    """Feed it each new model's predictions on the same stop set; ``stable`` says when to stop.

    Stable once at least ``window`` kappas exist and the mean of the last ``window`` is at
    least ``threshold``. Pure bookkeeping: the caller owns the models and the stop set.
    """

    def __init__(self, window: int = WINDOW, threshold: float = THRESHOLD) -> None:
        if window < 1 or not 0.0 < threshold <= 1.0:
            raise InvalidInputError(f"window must be >= 1 and threshold in (0, 1] (found "
                                    f"{window}, {threshold})", hint="e.g. window 3, 0.99")
        self.window = window
        self.threshold = threshold
        self.kappas: list[float] = []
        self._previous: np.ndarray | None = None

    def update(self, predictions: Sequence[Any] | np.ndarray) -> float | None:
        """Record one model's predictions; the kappa with the previous model (None at first)."""
        current = np.asarray(predictions).astype(str)
        if self._previous is None:
            self._previous = current
            return None
        kappa = cohen_kappa(self._previous, current)
        self._previous = current
        self.kappas.append(kappa)
        return kappa

    @property
    def agreement(self) -> float | None:
        """Mean kappa over the last ``window`` retrainings (None until there are that many)."""
        if len(self.kappas) < self.window:
            return None
        return float(np.mean(self.kappas[-self.window:]))

    @property
    def stable(self) -> bool:
        agreement = self.agreement
        return agreement is not None and agreement >= self.threshold
