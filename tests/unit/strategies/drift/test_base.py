"""The calibration every detector shares: p-values, thresholds and the registry names."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.config import DRIFT_DETECTORS
from textloop.strategies.drift import calibrate, detector_names, make_detector
from textloop.strategies.drift.base import (
    bounded,
    calibrate_normal,
    ks_statistic,
    permutations_for,
    top_rows,
)


def test_p_value_counts_null_scores_at_least_as_large() -> None:
    null = np.arange(1, 200, dtype=float)  # 199 unchanged windows scored 1..199
    verdict = calibrate(195.0, null, 0.05)
    assert verdict.p_value == (1 + 5) / 200
    assert verdict.threshold == 190.0  # the 10th largest: exceed it and p <= 0.05
    assert verdict.drift
    assert not calibrate(190.0, null, 0.05).drift
    assert calibrate(190.5, null, 0.05).drift


def test_too_few_null_scores_can_never_reach_alpha() -> None:
    verdict = calibrate(100.0, np.zeros(10), 0.05)
    assert verdict.threshold == float("inf") and not verdict.drift
    assert verdict.p_value == 1 / 11


def test_every_detector_in_the_config_is_registered_under_a_versioned_name() -> None:
    assert sorted(DRIFT_DETECTORS) == detector_names()
    full, detector = make_detector("mmd", permutations=19)
    assert full == "textloop.drift.mmd.v1" and detector.permutations == 19


def test_helpers_bound_rank_and_measure() -> None:
    rng = np.random.default_rng(0)
    assert list(bounded(5, 10, rng)) == [0, 1, 2, 3, 4]
    picked = bounded(100, 10, rng)
    assert len(set(picked)) == 10 and list(picked) == sorted(picked)
    assert top_rows([0.1, 0.9, 0.5, 0.9], 3) == [1, 3, 2]
    assert ks_statistic(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert ks_statistic(np.array([0.0, 0.0]), np.array([1.0, 1.0])) == 1.0


def test_a_normal_null_gives_thresholds_for_small_alphas() -> None:
    null = np.random.default_rng(0).normal(0.5, 0.01, 50)
    strict = calibrate_normal(0.53, null, 0.001)
    assert strict.threshold == pytest.approx(null.mean() + 3.0902 * null.std(ddof=1), rel=1e-4)
    assert strict.drift == (strict.threshold < 0.53)
    assert not calibrate_normal(0.52, null, 0.001).drift
    assert calibrate_normal(null.mean(), null, 0.05).p_value == pytest.approx(0.5)


def test_enough_permutations_for_the_alpha() -> None:
    assert permutations_for(0.05, 199) == 199
    assert permutations_for(0.001, 199) == 1999
