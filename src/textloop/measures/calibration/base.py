"""What every calibrator does, and how one is made by name or rebuilt from a bundle.

A calibrator maps an [n, k] probability matrix to another one whose rows still sum to 1.
It learns from probabilities (not logits) because every textloop model exposes
``predict_proba``; for a softmax model, log-probabilities are the logits up to a per-row
constant, which softmax ignores, so nothing is lost.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from textloop.errors import IntegrityError, InvalidInputError, NotFoundError
from textloop.registry import REGISTRY

FAMILY = "calibration"
State = tuple[dict[str, np.ndarray], dict[str, Any]]


class Calibrator(Protocol):
    def fit(self, proba: np.ndarray, y_idx: np.ndarray) -> Calibrator: ...

    def transform(self, proba: np.ndarray) -> np.ndarray: ...

    def export_state(self) -> State: ...


def check_fit_inputs(proba: np.ndarray, y_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float probabilities and integer targets that line up, or a clear error."""
    probs = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y_idx, dtype=np.int64)
    if probs.ndim != 2 or probs.shape[0] != y.shape[0] or probs.shape[0] == 0:
        raise InvalidInputError(f"calibration needs [n, k] probabilities and n targets "
                                f"(got {probs.shape} and {y.shape})",
                                hint="fit the calibrator on a non-empty validation split")
    if y.min() < 0 or y.max() >= probs.shape[1]:
        raise InvalidInputError("calibration targets must index the probability columns",
                                hint="encode the labels in the model's label order")
    return probs, y


def make_calibrator(name: str) -> tuple[str, Calibrator]:
    """(full registry name, unfitted calibrator) for a short or full name."""
    full, cls = REGISTRY.resolve(FAMILY, name)
    return full, cls()


def calibrator_from_state(name: str, arrays: dict[str, np.ndarray],
                          extra: dict[str, Any]) -> Calibrator:
    """Rebuild a saved calibrator; an unknown name or broken state is refused."""
    try:
        _, cls = REGISTRY.resolve(FAMILY, name)
    except NotFoundError as exc:
        raise IntegrityError(f"unknown calibrator {name!r} in the bundle",
                             hint="the bundle comes from a newer or modified textloop") from exc
    try:
        restored: Calibrator = cls.from_state(arrays, extra)
    except (KeyError, TypeError, ValueError) as exc:
        raise IntegrityError(f"calibrator {name!r} cannot be restored ({exc})",
                             hint="retrain the model") from exc
    return restored


def calibrator_names() -> list[str]:
    return REGISTRY.names(FAMILY)
