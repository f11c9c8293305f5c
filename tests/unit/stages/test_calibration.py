"""ECE and reliability bins on hand-computed cases; a calibrator's trip through a bundle."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.stages.calibration import (
    calibration_report,
    expected_calibration_error,
    fit_calibration,
    from_bundle_parts,
    reliability_bins,
    to_bundle_parts,
)


def test_ece_by_hand() -> None:
    # two bins hit: 0.9-ish (2 rows, 1 right) and 0.6-ish (2 rows, 2 right)
    proba = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.4, 0.6]])
    y = np.array([0, 0, 0, 1])
    # bin 0.9: confidence 0.9, accuracy 0.5 -> gap 0.4; bin 0.6: 0.6 vs 1.0 -> gap 0.4
    assert expected_calibration_error(proba, y, bins=10) == pytest.approx(0.4)


def test_perfect_confidence_has_zero_error_and_one_lands_in_the_last_bin() -> None:
    proba = np.array([[1.0, 0.0], [0.0, 1.0]])
    table = reliability_bins(proba.max(axis=1), np.array([True, True]), bins=15)
    assert len(table) == 1 and table[0]["upper"] == 1.0 and table[0]["rows"] == 2
    assert expected_calibration_error(proba, np.array([0, 1])) == 0.0


def test_report_has_both_diagrams_and_positive_class_for_two_labels() -> None:
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.45, 0.55]])
    y = np.array([0, 1, 0])
    report = calibration_report(proba, proba, y, "textloop.calibration.none.v1", bins=5,
                                labels=["ham", "spam"])
    assert report["ece_before"] == report["ece_after"]
    assert report["before"]["reliability"] and "positive_ece_before" in report
    assert report["positive"] == "spam"
    assert sum(row["rows"] for row in report["after"]["positive_reliability"]) == 3


def test_positive_class_diagram_bins_the_score_label_listed_first() -> None:
    # labels listed spam first: the diagram must bin P(spam), not the second column
    proba = np.array([[0.9, 0.1], [0.7, 0.3], [0.2, 0.8], [0.1, 0.9]])
    y = np.array([0, 1, 1, 1])
    report = calibration_report(proba, proba, y, None, bins=10, labels=["spam", "ham"],
                                score_labels=["spam"])
    assert report["positive"] == "spam"
    confidences = sorted(row["confidence"] for row in report["after"]["positive_reliability"])
    assert confidences == pytest.approx([0.1, 0.2, 0.7, 0.9])
    # P(spam) 0.9 -> spam (1/1), 0.7 -> ham (0/1), 0.2 and 0.1 -> ham (0/1 each)
    assert report["positive_ece_after"] == pytest.approx((0.1 + 0.7 + 0.2 + 0.1) / 4)


def test_bundle_parts_round_trip_and_absence() -> None:
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]])
    y = np.array([0, 1, 1, 1, 0])
    fitted = fit_calibration("isotonic", proba, y)
    arrays, entry = to_bundle_parts(fitted)
    assert all(key.startswith("calibration.") for key in arrays)
    restored = from_bundle_parts({"calibration": entry}, {**arrays, "coef": np.zeros(2)})
    assert restored is not None and restored.name == "textloop.calibration.isotonic.v1"
    assert np.allclose(restored.apply(proba), fitted.apply(proba))
    assert from_bundle_parts({}, {}) is None
