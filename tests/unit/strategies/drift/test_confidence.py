"""Confidence drift: a KS test on the probability of the predicted label."""

from __future__ import annotations

import numpy as np

from textloop.strategies.drift.confidence import ConfidenceDetector


def test_falling_confidence_is_flagged_with_the_least_confident_rows() -> None:
    rng = np.random.default_rng(0)
    reference = rng.beta(8, 2, 1000)
    current = np.r_[rng.beta(8, 2, 200), rng.uniform(0.2, 0.4, 100)]
    result = ConfidenceDetector(permutations=99).test(reference, current)
    assert result.drift and result.fixed_drift
    assert result.details["change"] < 0
    assert all(i >= 200 for i in result.rows[:10])


def test_same_confidences_are_rarely_flagged() -> None:
    rng = np.random.default_rng(1)
    reference = rng.beta(8, 2, 1000)
    detector = ConfidenceDetector(permutations=99)
    flagged = sum(detector.test(reference, rng.beta(8, 2, 300), seed=s).drift for s in range(40))
    assert flagged <= 5
