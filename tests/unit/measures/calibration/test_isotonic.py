"""Isotonic calibration undoes a monotone distortion, binary and one-vs-rest multiclass."""

from __future__ import annotations

import numpy as np

from tests.unit.measures.calibration.synthetic import overconfident, squashed_binary
from textloop.measures.calibration import (
    calibration_summary,
    calibrator_from_state,
    expected_calibration_error,
    make_calibrator,
)


def test_binary_distortion_is_undone_on_fresh_data() -> None:
    fit_proba, fit_y = squashed_binary(5000, seed=5)
    test_proba, test_y = squashed_binary(5000, seed=6)
    _, calibrator = make_calibrator("isotonic")
    calibrated = calibrator.fit(fit_proba, fit_y).transform(test_proba)
    # the positive class is named by its column (the project's score label decides which)
    before = calibration_summary(test_proba, test_y, positive=1)["positive_ece"]
    after = calibration_summary(calibrated, test_y, positive=1)["positive_ece"]
    assert before > 0.1
    assert after < 0.03
    assert np.allclose(calibrated.sum(axis=1), 1.0)


def test_multiclass_rows_are_renormalized_and_better_calibrated() -> None:
    fit_proba, fit_y = overconfident(6000, 4, 3.0, seed=7)
    test_proba, test_y = overconfident(4000, 4, 3.0, seed=8)
    _, calibrator = make_calibrator("isotonic")
    calibrated = calibrator.fit(fit_proba, fit_y).transform(test_proba)
    assert np.allclose(calibrated.sum(axis=1), 1.0)
    assert (calibrated >= 0).all()
    assert expected_calibration_error(calibrated, test_y) < 0.04
    assert expected_calibration_error(test_proba, test_y) > 0.1


def test_a_class_never_seen_in_validation_gets_a_constant() -> None:
    proba = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1]])
    y = np.array([0, 0, 1, 1])
    _, calibrator = make_calibrator("isotonic")
    calibrated = calibrator.fit(proba, y).transform(proba)
    assert np.allclose(calibrated[:, 2], 0.0)
    assert np.allclose(calibrated.sum(axis=1), 1.0)


def test_state_round_trips_as_arrays() -> None:
    proba, y = overconfident(800, 3, 2.0, seed=9)
    name, calibrator = make_calibrator("isotonic")
    calibrator.fit(proba, y)
    arrays, extra = calibrator.export_state()
    assert all(isinstance(value, np.ndarray) for value in arrays.values())
    restored = calibrator_from_state(name, arrays, extra)
    assert np.allclose(restored.transform(proba), calibrator.transform(proba))
