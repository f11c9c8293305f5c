"""ECE and reliability bins on hand-computed cases; a calibrator's trip through a bundle."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.measures.calibration import (
    calibration_report,
    choose_calibration,
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


def _binary(n: int, sharpen: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from p; the model reports p sharpened (1: already calibrated)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 0.95, n)
    y = (rng.uniform(size=n) < p).astype(int)
    shown = 1 / (1 + np.exp(-sharpen * np.log(p / (1 - p))))
    return np.column_stack([1 - shown, shown]), y


def test_a_calibrator_that_helps_out_of_fold_is_kept() -> None:
    proba, y = _binary(300, sharpen=4.0)  # over-confident: temperature fixes it
    fitted, choice = choose_calibration("temperature", proba, y)
    assert fitted.name == "textloop.calibration.temperature.v1" and choice.kept
    assert choice.ece_calibrated_cv < choice.ece_uncalibrated and choice.folds == 5
    assert choice.sentence().startswith("kept textloop.calibration.temperature.v1: ")


def test_a_calibrator_that_only_looks_good_in_sample_is_dropped() -> None:
    proba, y = _binary(200, sharpen=1.0)  # already calibrated
    in_sample = fit_calibration("isotonic", proba, y).apply(proba)
    # judged on the rows it was fitted on, isotonic looks perfect...
    assert expected_calibration_error(in_sample, y) < expected_calibration_error(proba, y)
    fitted, choice = choose_calibration("isotonic", proba, y)
    # ...but out of fold it is worse, so the probabilities stay as they are
    assert not choice.kept and choice.ece_calibrated_cv > choice.ece_uncalibrated
    assert fitted.name == "textloop.calibration.none.v1"
    np.testing.assert_allclose(fitted.apply(proba), proba)
    assert "kept the uncalibrated probabilities" in choice.sentence()
    assert choice.to_json()["kept_name"] == "uncalibrated"


def test_too_few_rows_keep_the_calibrator_and_say_it_was_not_checked() -> None:
    proba, y = _binary(30, sharpen=4.0)
    fitted, choice = choose_calibration("temperature", proba, y)
    assert fitted.name == "textloop.calibration.temperature.v1"
    assert choice.kept and choice.ece_calibrated_cv is None
    assert "without checking it: 30 validation rows are too few" in choice.sentence()
    assert choose_calibration("none", proba, y)[1] is None
