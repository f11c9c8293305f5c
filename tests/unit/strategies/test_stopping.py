"""Stabilizing predictions: kappa between consecutive models, stable over a window."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from textloop.errors import InvalidInputError
from textloop.strategies.stopping import StabilizingPredictions, cohen_kappa


def test_kappa_matches_the_textbook_definition() -> None:
    a = ["x", "x", "y", "y", "x", "z"]
    b = ["x", "y", "y", "y", "x", "x"]
    # observed 4/6; chance (3/6·3/6 + 2/6·3/6 + 1/6·0) = 15/36
    assert cohen_kappa(a, b) == pytest.approx((4 / 6 - 15 / 36) / (1 - 15 / 36))
    rng = np.random.default_rng(0)
    u, v = rng.integers(0, 4, 300), rng.integers(0, 4, 300)
    assert cohen_kappa(u, v) == pytest.approx(cohen_kappa_score(u, v))


def test_kappa_of_identical_constant_predictions_is_one() -> None:
    assert cohen_kappa(["a"] * 5, ["a"] * 5) == 1.0
    assert cohen_kappa(["a"] * 5, ["b"] * 5) == 0.0


def test_kappa_needs_equal_lengths() -> None:
    with pytest.raises(InvalidInputError, match="equal length"):
        cohen_kappa(["a", "b"], ["a"])


def test_stable_after_the_window_of_high_agreement() -> None:
    tracker = StabilizingPredictions(window=3, threshold=0.99)
    base = np.array(["a", "b"] * 500)
    flipped = base.copy()
    flipped[:100] = np.where(base[:100] == "a", "b", "a")
    assert tracker.update(flipped) is None
    assert tracker.update(base) < 0.9
    for _ in range(2):
        tracker.update(base)
        assert not tracker.stable  # the low first kappa is still in the window
    tracker.update(base)
    assert tracker.agreement == 1.0 and tracker.stable
    tracker.update(flipped)
    assert not tracker.stable


def test_threshold_and_window_are_configurable_and_checked() -> None:
    tracker = StabilizingPredictions(window=1, threshold=0.5)
    tracker.update(["a", "b", "a", "b"])
    tracker.update(["a", "b", "a", "a"])  # kappa 0.5
    assert tracker.stable
    with pytest.raises(InvalidInputError):
        StabilizingPredictions(window=0)
