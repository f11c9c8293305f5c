"""Span confidence calibration: a span's score made the probability that it is exactly right,
per type where a type has enough validation spans, pooled otherwise; isotonic or Platt by
count; nothing for ``calibration.method: none``."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import IntegrityError
from textloop.measures.calibration import expected_calibration_error
from textloop.measures.span_calibration import (
    MIN_ISOTONIC_SPANS,
    MIN_TYPE_SPANS,
    SpanCalibration,
    fit_span_calibration,
    span_calibration_from_meta,
    span_calibration_report,
    span_outcomes,
)
from textloop.spans import Span


def overconfident(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores in [0.5, 1] whose spans are right with probability score ** 4 (a 0.9 is
    right about 2 times in 3)."""
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0.5, 1.0, n)
    return scores, rng.uniform(size=n) < scores ** 4


def span_ece(scores: np.ndarray, correct: np.ndarray) -> float:
    return span_calibration_report(scores, scores, correct, None)["ece_before"]


@pytest.mark.parametrize(("method", "kind"), [("temperature", "platt"),
                                              ("isotonic", "isotonic")])
def test_calibrated_span_scores_lower_the_ece_on_held_out_spans(method: str,
                                                                 kind: str) -> None:
    scores, correct = overconfident(2000, seed=1)
    fitted = fit_span_calibration(scores, correct, ["PER"] * len(scores), method)
    assert fitted is not None and fitted.types["PER"].kind == kind
    held_scores, held_correct = overconfident(2000, seed=2)
    calibrated = fitted.map_for("PER").apply(held_scores)
    assert span_ece(held_scores, held_correct) > 0.15
    assert span_ece(calibrated, held_correct) < 0.04
    # the same ECE the classification measure gives for the two-column form
    two = np.column_stack([1 - calibrated, calibrated])
    assert span_calibration_report(held_scores, calibrated, held_correct, kind)[
        "ece_after"] == pytest.approx(expected_calibration_error(two, held_correct.astype(int)),
                                      abs=0.02)


def test_a_type_with_few_spans_uses_the_pooled_map_and_isotonic_needs_many_spans() -> None:
    scores, correct = overconfident(MIN_ISOTONIC_SPANS + MIN_TYPE_SPANS - 1, seed=3)
    labels = ["PER"] * MIN_ISOTONIC_SPANS + ["ORG"] * (MIN_TYPE_SPANS - 1)
    fitted = fit_span_calibration(scores, correct, labels, "isotonic")
    assert fitted is not None
    assert set(fitted.types) == {"PER"}  # ORG has one span too few for its own map
    assert fitted.types["PER"].kind == "isotonic"
    assert fitted.map_for("ORG") is fitted.pooled and fitted.map_for("LOC") is fitted.pooled
    assert fitted.pooled.spans == len(scores)
    few = fit_span_calibration(scores[:MIN_ISOTONIC_SPANS - 1], correct[:MIN_ISOTONIC_SPANS - 1],
                               labels[:MIN_ISOTONIC_SPANS - 1], "isotonic")
    assert few is not None and few.pooled.kind == "platt"


def test_spans_all_right_map_to_one_and_none_means_no_calibrator() -> None:
    scores = np.array([0.2, 0.5, 0.9])
    fitted = fit_span_calibration(scores, np.array([True, True, True]), ["PER"] * 3,
                                  "temperature")
    assert fitted is not None and fitted.pooled.kind == "constant"
    assert fitted.pooled.apply(scores).tolist() == [1.0, 1.0, 1.0]
    assert fit_span_calibration(scores, np.array([True, False, True]), ["PER"] * 3,
                                "none") is None
    assert fit_span_calibration(np.zeros(0), np.zeros(0, bool), [], "temperature") is None


def test_outcomes_are_strict_matches_and_unscored_spans_are_left_out() -> None:
    gold = [[Span(0, 3, "PER"), Span(8, 12, "ORG")], []]
    predicted = [[(Span(0, 3, "PER"), 0.9), (Span(8, 12, "PER"), 0.8),
                  (Span(8, 11, "ORG"), 0.7)], [(Span(0, 2, "ORG"), None)]]
    scores, correct, labels = span_outcomes(gold, predicted)
    assert scores.tolist() == [0.9, 0.8, 0.7]
    assert correct.tolist() == [True, False, False]  # wrong type, wrong boundary
    assert labels == ["PER", "PER", "ORG"]


def test_a_calibrator_round_trips_through_json_and_keeps_unscored_spans() -> None:
    scores, correct = overconfident(600, seed=4)
    fitted = fit_span_calibration(scores, correct, ["PER"] * 300 + ["ORG"] * 300, "isotonic")
    assert fitted is not None
    restored = span_calibration_from_meta({"span_calibration": fitted.to_json()})
    rows = [[(Span(0, 3, "PER"), 0.93), (Span(4, 6, "ORG"), 0.61), (Span(7, 9, "LOC"), None)]]
    assert restored == fitted
    assert restored.calibrate(rows) == fitted.calibrate(rows)
    assert restored.calibrate(rows)[0][2] == (Span(7, 9, "LOC"), None)
    assert span_calibration_from_meta({}) is None
    broken = fitted.to_json()
    broken["pooled"] = {"kind": "isotonic", "x": [0.5, 0.1], "y": [0.0, 1.0]}
    with pytest.raises(IntegrityError, match="span calibrator cannot be restored"):
        span_calibration_from_meta({"span_calibration": broken})
    assert isinstance(SpanCalibration.from_json(fitted.to_json()), SpanCalibration)


def test_calibration_never_ranks_a_lower_raw_score_above_a_higher_one() -> None:
    # the 0.5 spans are always right, the 0.9 ones right 7 times in 10: a logistic fit
    # would turn the order round; the map keeps it (the constant share of right spans)
    scores = np.array([0.5] * 10 + [0.9] * 10)
    correct = np.array([True] * 10 + [True] * 7 + [False] * 3)
    fitted = fit_span_calibration(scores, correct, ["PER"] * 20, "temperature")
    assert fitted is not None
    low, high = fitted.pooled.apply(np.array([0.5, 0.9]))
    assert low <= high
    assert fitted.pooled.kind == "constant" and high == pytest.approx(17 / 20)
