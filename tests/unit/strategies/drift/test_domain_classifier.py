"""Domain classifier v2: a ridge classifier's AUC against a permutation null."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.drift.samples import gaussian, shifted_window
from textloop.strategies.drift import make_detector
from textloop.strategies.drift.domain_classifier import (
    EVIDENTLY_THRESHOLD,
    DomainClassifier,
    PermutedDomainClassifier,
)

DETECTOR = PermutedDomainClassifier(permutations=99)


def test_the_short_name_runs_v2_and_v1_stays_runnable() -> None:
    full, detector = make_detector("domain-classifier")
    assert full == "textloop.drift.domain-classifier.v2"
    assert isinstance(detector, PermutedDomainClassifier)
    old_name, old = make_detector("textloop.drift.domain-classifier.v1", null_windows=9)
    assert old_name.endswith(".v1") and isinstance(old, DomainClassifier)
    rng = np.random.default_rng(0)
    assert old.test(gaussian(rng, 100), gaussian(rng, 60)).method == "permutation"


def test_same_distribution_windows_give_spread_p_values_and_rarely_alarm() -> None:
    rng = np.random.default_rng(5)
    results = [DETECTOR.test(gaussian(rng, 200), gaussian(rng, 100), seed=s) for s in range(20)]
    p_values = np.array([r.p_value for r in results])
    assert sum(r.drift for r in results) <= 3
    assert 0.25 <= np.mean(p_values) <= 0.75
    assert 0.2 <= np.mean(p_values <= 0.5) <= 0.8  # neither piled near 0 nor near 1


def test_a_shifted_window_alarms_and_names_the_shifted_rows() -> None:
    rng = np.random.default_rng(6)
    result = DETECTOR.test(gaussian(rng, 300), shifted_window(rng))
    assert result.drift and result.p_value == 0.01  # no shuffle reaches the observed AUC
    assert result.score > result.threshold > result.details["null_mean"]
    assert result.fixed_threshold == EVIDENTLY_THRESHOLD and result.fixed_drift
    assert result.method == "permutation" and result.details["permutations"] == 99
    assert all(i >= 100 for i in result.rows[:20])


def test_the_threshold_is_the_null_quantile_the_score_must_exceed() -> None:
    rng = np.random.default_rng(7)
    reference, current = gaussian(rng, 200), gaussian(rng, 100, 0.3)
    result = PermutedDomainClassifier(permutations=19, alpha=0.1).test(reference, current)
    assert (result.score > result.threshold) == result.drift == (result.p_value <= 0.1)
    too_few = PermutedDomainClassifier(permutations=9, alpha=0.05).test(reference, current)
    assert too_few.threshold == float("inf") and not too_few.drift


def test_a_seed_fixes_the_reference_sample_the_folds_and_the_shuffles() -> None:
    rng = np.random.default_rng(8)
    reference, current = gaussian(rng, 400), gaussian(rng, 100)
    detector = PermutedDomainClassifier(permutations=49, max_reference=150)
    first, again = detector.test(reference, current, seed=3), detector.test(reference, current,
                                                                           seed=3)
    assert first == again
    other = detector.test(reference, current, seed=4)
    assert other.details["null_mean"] != first.details["null_mean"]
    assert first.details["reference_rows"] == 150


def test_a_window_smaller_than_the_folds_still_scores() -> None:
    rng = np.random.default_rng(9)
    result = PermutedDomainClassifier(permutations=19, folds=10).test(gaussian(rng, 4),
                                                                     gaussian(rng, 3))
    assert result.details["folds"] == 7 and result.details["repeats"] == 3
    assert 0.0 <= result.score <= 1.0
    assert 0.0 < result.p_value <= 1.0 and np.isfinite(result.details["null_mean"])
