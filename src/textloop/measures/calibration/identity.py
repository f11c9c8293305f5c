"""No calibration: the model's probabilities as they are (``calibration: {method: none}``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.measures.calibration.base import State, check_fit_inputs


class NoCalibration:
    """Keeps probabilities unchanged, so a run can opt out and still be compared."""

    def fit(self, proba: np.ndarray, y_idx: np.ndarray) -> NoCalibration:
        check_fit_inputs(proba, y_idx)
        return self

    def transform(self, proba: np.ndarray) -> np.ndarray:
        return np.asarray(proba, dtype=np.float64)

    def export_state(self) -> State:
        return {}, {}

    @classmethod
    def from_state(cls, arrays: dict[str, np.ndarray], extra: dict[str, Any]) -> NoCalibration:
        return cls()
