"""CBPE: the expected accuracy of calibrated probabilities is the accuracy they get."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.stages.monitor.performance import (
    calibration_check,
    estimated_metrics,
    realized_metrics,
)

LABELS = ["a", "b", "c"]


def draw(rng: np.random.Generator, proba: np.ndarray) -> np.ndarray:
    """True label indices drawn from the probabilities: calibrated by construction."""
    cumulative = proba.cumsum(axis=1)
    return (rng.random((len(proba), 1)) > cumulative).sum(axis=1)


def test_estimates_equal_the_realized_metrics_in_expectation() -> None:
    rng = np.random.default_rng(0)
    proba = rng.dirichlet([0.6, 0.6, 0.6], 400)
    estimate = estimated_metrics(proba)
    predicted = [LABELS[i] for i in proba.argmax(axis=1)]
    realized = [realized_metrics([LABELS[i] for i in draw(rng, proba)], predicted)
                for _ in range(300)]
    assert np.mean([r["accuracy"] for r in realized]) == pytest.approx(estimate["accuracy"],
                                                                       abs=0.005)
    assert np.mean([r["macro_f1"] for r in realized]) == pytest.approx(estimate["macro_f1"],
                                                                       abs=0.015)
    spread = np.std([r["accuracy"] for r in realized])
    assert estimate["accuracy_se"] == pytest.approx(spread, rel=0.2)


def test_certain_probabilities_estimate_perfect_scores() -> None:
    proba = np.eye(3)[[0, 1, 2, 2]]
    assert estimated_metrics(proba) == {"accuracy": 1.0, "accuracy_se": 0.0, "macro_f1": 1.0}


def test_calibration_check_flags_overconfident_probabilities() -> None:
    rng = np.random.default_rng(1)
    proba = rng.dirichlet([0.6, 0.6, 0.6], 2000)
    truth = [LABELS[i] for i in draw(rng, proba)]
    assert calibration_check(proba, truth, LABELS, 0.05)["holds"]
    sharpened = proba**4 / (proba**4).sum(axis=1, keepdims=True)
    check = calibration_check(sharpened, truth, LABELS, 0.05)
    assert not check["holds"] and check["ece"] > 0.05 and check["rows"] == 2000
