"""Temperature scaling recovers a known over-confidence and removes the calibration error."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.measures.calibration.synthetic import overconfident
from textloop.measures.calibration import (
    calibrator_from_state,
    expected_calibration_error,
    make_calibrator,
)


@pytest.mark.parametrize("k, temperature", [(2, 2.5), (5, 3.0), (4, 0.5)])
def test_fitted_temperature_matches_the_injected_one(k: int, temperature: float) -> None:
    proba, y = overconfident(6000, k, temperature, seed=1)
    _, calibrator = make_calibrator("temperature")
    calibrator.fit(proba, y)
    assert calibrator.temperature_ == pytest.approx(temperature, rel=0.1)


def test_calibration_error_drops_on_fresh_data_and_labels_stay() -> None:
    fit_proba, fit_y = overconfident(4000, 5, 3.0, seed=2)
    test_proba, test_y = overconfident(4000, 5, 3.0, seed=3)
    _, calibrator = make_calibrator("temperature")
    calibrated = calibrator.fit(fit_proba, fit_y).transform(test_proba)
    before = expected_calibration_error(test_proba, test_y)
    after = expected_calibration_error(calibrated, test_y)
    assert before > 0.1
    assert after < 0.03
    assert np.allclose(calibrated.sum(axis=1), 1.0)
    assert (calibrated.argmax(axis=1) == test_proba.argmax(axis=1)).all()


def test_state_round_trips_through_json_values() -> None:
    proba, y = overconfident(500, 3, 2.0, seed=4)
    name, calibrator = make_calibrator("temperature")
    calibrator.fit(proba, y)
    arrays, extra = calibrator.export_state()
    restored = calibrator_from_state(name, arrays, extra)
    assert name == "textloop.calibration.temperature.v1"
    assert np.allclose(restored.transform(proba), calibrator.transform(proba))
