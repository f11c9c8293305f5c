"""Isotonic calibration: a monotone step function per class, fitted on validation data.

For two labels one function maps P(second label) and the first gets the rest (the usual
binary isotonic calibration). For more, each class gets its own one-vs-rest function and
the rows are renormalized to sum to 1 (Zadrozny & Elkan, 2002). It corrects any monotone
distortion, but it needs enough validation rows per class and can change the predicted
label; temperature scaling is the safer default.

The functions are saved as their breakpoints (``np.interp`` clamps outside them, as
scikit-learn's ``out_of_bounds="clip"`` does), so no fitted scikit-learn object is stored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

from textloop.measures.calibration.base import State, check_fit_inputs


class IsotonicCalibration:
    """``x_`` / ``y_``: one breakpoint array per calibrated column."""

    def fit(self, proba: np.ndarray, y_idx: np.ndarray) -> IsotonicCalibration:
        probs, y = check_fit_inputs(proba, y_idx)
        self.n_classes_ = probs.shape[1]
        columns = [1] if self.n_classes_ == 2 else range(self.n_classes_)
        self.x_, self.y_ = [], []
        for j in columns:
            x, fitted = _fit_column(probs[:, j], (y == j).astype(np.float64))
            self.x_.append(x)
            self.y_.append(fitted)
        return self

    def transform(self, proba: np.ndarray) -> np.ndarray:
        probs = np.asarray(proba, dtype=np.float64)
        if self.n_classes_ == 2:
            positive = np.interp(probs[:, 1], self.x_[0], self.y_[0])
            return np.column_stack([1.0 - positive, positive])
        out = np.column_stack([np.interp(probs[:, j], self.x_[j], self.y_[j])
                               for j in range(self.n_classes_)])
        total = out.sum(axis=1, keepdims=True)
        empty = total[:, 0] <= 0  # every class mapped to 0: keep the model's own row
        out[empty] = probs[empty]
        total[empty] = probs[empty].sum(axis=1, keepdims=True)
        return out / total

    def export_state(self) -> State:
        arrays = {f"x{j}": x for j, x in enumerate(self.x_)}
        arrays |= {f"y{j}": y for j, y in enumerate(self.y_)}
        return arrays, {"n_classes": self.n_classes_, "columns": len(self.x_)}

    @classmethod
    def from_state(cls, arrays: dict[str, np.ndarray], extra: dict[str, Any]
                   ) -> IsotonicCalibration:
        model = cls()
        model.n_classes_ = int(extra["n_classes"])
        count = int(extra["columns"])
        if count != (1 if model.n_classes_ == 2 else model.n_classes_):
            raise ValueError(f"{count} calibrated columns for {model.n_classes_} classes")
        model.x_ = [np.asarray(arrays[f"x{j}"], dtype=np.float64) for j in range(count)]
        model.y_ = [np.asarray(arrays[f"y{j}"], dtype=np.float64) for j in range(count)]
        return model


def _fit_column(score: np.ndarray, positive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints of the isotonic fit of ``positive`` on ``score``."""
    if positive.min() == positive.max():  # one outcome only: a constant is the best fit
        return np.array([0.0, 1.0]), np.full(2, float(positive[0]))
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(score, positive)
    return np.asarray(iso.X_thresholds_, dtype=np.float64), np.asarray(iso.y_thresholds_,
                                                                        dtype=np.float64)
