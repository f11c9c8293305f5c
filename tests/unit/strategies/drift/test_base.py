"""The calibration every detector shares: p-values, thresholds and the registry names."""

from __future__ import annotations

import numpy as np

from textloop.config import DRIFT_DETECTORS
from textloop.strategies.drift import calibrate, detector_names, make_detector
from textloop.strategies.drift.base import bounded, ks_statistic, top_rows


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
