"""Domain classifier v1 (calibrated on reference windows) and MMD on embeddings where the
answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.drift.samples import gaussian, shifted_window
from textloop.strategies.drift.domain_classifier import DomainClassifier
from textloop.strategies.drift.mmd import MmdDetector, mmd


def test_mmd_is_zero_on_identical_samples_and_symmetric() -> None:
    rng = np.random.default_rng(0)
    x, y = gaussian(rng, 80), gaussian(rng, 60, 1.0)
    assert mmd(x, x) == pytest.approx(0.0, abs=1e-12)
    assert mmd(x, y) == pytest.approx(mmd(y, x))
    assert mmd(x, y) > mmd(x, gaussian(rng, 60))


def test_mmd_flags_a_shift_and_names_the_shifted_rows() -> None:
    rng = np.random.default_rng(1)
    result = MmdDetector(permutations=99).test(gaussian(rng, 300), shifted_window(rng))
    assert result.drift and result.p_value == 0.01
    assert all(i >= 100 for i in result.rows[:20])


def test_mmd_rarely_flags_unchanged_windows() -> None:
    rng = np.random.default_rng(2)
    reference = gaussian(rng, 300)
    detector = MmdDetector(permutations=99)
    flagged = sum(detector.test(reference, gaussian(rng, 150), seed=s).drift for s in range(30))
    assert flagged <= 4


def test_domain_classifier_calibrated_on_reference_windows() -> None:
    rng = np.random.default_rng(3)
    detector = DomainClassifier(null_windows=19)
    reference, pool = gaussian(rng, 200), gaussian(rng, 1000)
    null = detector.null_scores(reference, 150, pool=pool)
    flagged = sum(detector.test(reference, gaussian(rng, 150), null=null, seed=s).drift
                  for s in range(10))
    assert flagged <= 2
    result = detector.test(reference, shifted_window(rng), null=null)
    assert result.drift and result.score > result.threshold and result.fixed_drift
    assert result.threshold == pytest.approx(np.mean(null) + 1.6449 * np.std(null, ddof=1),
                                             rel=1e-4)
    assert all(i >= 100 for i in result.rows[:20])


def test_domain_classifier_without_a_pool_uses_permutations() -> None:
    rng = np.random.default_rng(4)
    result = DomainClassifier(null_windows=19, folds=2).test(gaussian(rng, 150),
                                                             shifted_window(rng))
    assert result.method == "permutation" and result.drift
    assert result.details["null_windows"] == 19
