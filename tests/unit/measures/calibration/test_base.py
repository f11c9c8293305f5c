"""Calibrators by name: versioned registry names, refusals for unknown or broken state."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import IntegrityError, InvalidInputError, NotFoundError
from textloop.measures.calibration import (
    calibrator_from_state,
    calibrator_names,
    make_calibrator,
)


def test_builtin_names_resolve_to_versioned_entries() -> None:
    assert {"temperature", "isotonic", "none"} <= set(calibrator_names())
    assert make_calibrator("none")[0] == "textloop.calibration.none.v1"


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="temperature"):
        make_calibrator("platt")


def test_unknown_or_broken_saved_state_is_refused() -> None:
    with pytest.raises(IntegrityError, match="unknown calibrator"):
        calibrator_from_state("textloop.calibration.magic.v9", {}, {})
    with pytest.raises(IntegrityError, match="cannot be restored"):
        calibrator_from_state("textloop.calibration.temperature.v1", {}, {"temperature": -1})
    with pytest.raises(IntegrityError, match="cannot be restored"):
        calibrator_from_state("textloop.calibration.isotonic.v1", {}, {"n_classes": 3,
                                                                      "columns": 3})


def test_fit_inputs_that_do_not_line_up_are_refused() -> None:
    _, calibrator = make_calibrator("temperature")
    with pytest.raises(InvalidInputError, match="validation split"):
        calibrator.fit(np.full((3, 2), 0.5), np.array([0, 1]))
    with pytest.raises(InvalidInputError, match="index"):
        calibrator.fit(np.full((2, 2), 0.5), np.array([0, 2]))


def test_none_keeps_probabilities() -> None:
    proba = np.array([[0.9, 0.1], [0.3, 0.7]])
    _, calibrator = make_calibrator("none")
    assert np.array_equal(calibrator.fit(proba, np.array([0, 1])).transform(proba), proba)
