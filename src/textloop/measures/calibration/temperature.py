"""Temperature scaling (Guo et al., 2017): one number that softens or sharpens every row.

Probabilities become ``softmax(log p / T)``. ``T`` is fitted by minimizing the negative
log-likelihood on validation data; ``T > 1`` means the model was over-confident. One
parameter cannot overfit a small validation split and never changes the predicted label,
which is why it is the default.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

from textloop.measures.calibration.base import State, check_fit_inputs

LOG_EPS = 1e-12
BOUNDS = (-4.0, 4.0)  # log T: temperatures from about 0.018 to 55


def scaled_log_proba(proba: np.ndarray, temperature: float) -> np.ndarray:
    """log softmax(log p / T), row by row."""
    logits = np.log(np.clip(np.asarray(proba, dtype=np.float64), LOG_EPS, 1.0))
    return np.asarray(log_softmax(logits / temperature, axis=1))


class TemperatureScaling:
    """Fits ``temperature_`` on validation probabilities (multiclass and binary alike)."""

    def fit(self, proba: np.ndarray, y_idx: np.ndarray) -> TemperatureScaling:
        probs, y = check_fit_inputs(proba, y_idx)
        rows = np.arange(len(y))

        def nll(log_t: float) -> float:
            return float(-scaled_log_proba(probs, float(np.exp(log_t)))[rows, y].mean())

        found = minimize_scalar(nll, bounds=BOUNDS, method="bounded",
                                options={"xatol": 1e-5})
        self.temperature_ = float(np.exp(found.x))
        return self

    def transform(self, proba: np.ndarray) -> np.ndarray:
        return np.exp(scaled_log_proba(proba, self.temperature_))

    def export_state(self) -> State:
        return {}, {"temperature": self.temperature_}

    @classmethod
    def from_state(cls, arrays: dict[str, np.ndarray], extra: dict[str, Any]
                   ) -> TemperatureScaling:
        model = cls()
        model.temperature_ = float(extra["temperature"])
        if not model.temperature_ > 0:
            raise ValueError(f"temperature must be positive, found {model.temperature_}")
        return model
