"""A linear softmax head on sentence embeddings: class scores ``x @ weight.T + bias``.

Both fine-tuned models end in one: SetFit fits it as a logistic regression on the tuned
embeddings, LoRA starts from that fit on the stock embeddings and trains it with the
adapters. Any scikit-learn logistic regression is such a head (a binary one's single
column becomes the scores ``[0, w·x + b]``, whose softmax is its sigmoid), so the state
is just two arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from textloop.models.mlp.losses import softmax


@dataclass
class LinearHead:
    weight: np.ndarray
    """float32 [classes, dim]"""
    bias: np.ndarray
    """float32 [classes]"""

    def scores(self, x: np.ndarray) -> np.ndarray:
        return x.astype(np.float64) @ self.weight.T.astype(np.float64) + self.bias

    def proba(self, x: np.ndarray) -> np.ndarray:
        return softmax(self.scores(x))

    def arrays(self, prefix: str = "head.") -> dict[str, np.ndarray]:
        return {f"{prefix}weight": self.weight.copy(), f"{prefix}bias": self.bias.copy()}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str = "head.") -> LinearHead:
        return cls(np.asarray(arrays[f"{prefix}weight"], dtype=np.float32).copy(),
                   np.asarray(arrays[f"{prefix}bias"], dtype=np.float32).copy())


def fit_logistic_head(x: np.ndarray, y_idx: np.ndarray, n_classes: int, C: float,
                      max_iter: int = 2000) -> LinearHead:
    """Logistic regression on ``x`` as a linear softmax head over all ``n_classes``."""
    model = LogisticRegression(C=C, max_iter=max_iter, random_state=0).fit(x, y_idx)
    weight = np.zeros((n_classes, x.shape[1]), dtype=np.float32)
    bias = np.zeros(n_classes, dtype=np.float32)
    seen = model.classes_.astype(np.int64)
    if len(seen) == 2 and model.coef_.shape[0] == 1:
        weight[seen[1]], bias[seen[1]] = model.coef_[0], model.intercept_[0]
    else:
        weight[seen], bias[seen] = model.coef_, model.intercept_
    return LinearHead(weight, bias)
