"""The sentence and numbers read off a constructed learning curve (the real fit, no mocks)."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.measures.learning_curve import power_law
from textloop.stages.select.sufficiency import CurvePoint, answer
from textloop.stages.select.sufficiency.answer import BEYOND, NEEDS_MORE, REACHED, UNKNOWN

A, B, C = 0.95, 3.0, 0.5  # score(n) = 0.95 − 3/√n
LABELS = (100, 200, 350, 500, 700, 1000)
CURRENT = 1250  # the train split; the largest fold trains on 1,000 of it


def points(labels: tuple[int, ...] = LABELS) -> list[CurvePoint]:
    return [CurvePoint(n / 1000, n, float(power_law(np.array(float(n)), A, B, C)), 0.01)
            for n in labels]


def test_labels_needed_and_expected_score_at_twice_the_labels() -> None:
    result = answer(points(), CURRENT, "macro_f1", 0.9, model="tfidf-lr")
    needed = (B / (A - 0.9)) ** 2  # 3,600
    assert result.status == NEEDS_MORE
    assert result.labels_needed == pytest.approx(needed, rel=0.01)
    assert result.more_labels == result.labels_needed - CURRENT
    assert result.expected_at_double == pytest.approx(A - B / np.sqrt(2 * CURRENT), abs=1e-4)
    assert result.ceiling == pytest.approx(A, abs=1e-4)
    assert result.sentence.startswith("tfidf-lr reaches macro_f1 0.855 ± 0.010 with 1,000 labels.")
    assert "With 2× the labels (2,500) expect about 0.890." in result.sentence
    assert "Goal macro_f1 ≥ 0.9: about 3,600 labels needed, 2,400 more than the 1,250 now" \
        in result.sentence


def test_a_goal_met_by_the_largest_fraction_is_already_reached() -> None:
    result = answer(points(), CURRENT, "macro_f1", 0.8)
    assert result.status == REACHED and result.more_labels == 0
    assert result.sentence.endswith("Goal macro_f1 ≥ 0.8: already reached with 1,000 labels.")
    assert result.expected_at_double is not None  # the curve is still read at 2×


def test_a_goal_the_curve_crosses_between_the_largest_fold_and_the_split_is_reached() -> None:
    target = 0.8596  # above the 1,000-label point (0.855); crossed at about 1,100 < 1,250
    result = answer(points(), CURRENT, "macro_f1", target)
    assert result.status == REACHED and result.more_labels == 0
    assert result.labels_needed == pytest.approx((B / (A - target)) ** 2, rel=0.01)
    assert "expected to be reached with the current 1,250 labels (the curve crosses 0.8596 " \
        "at about 1,100)" in result.sentence


def test_a_goal_above_the_ceiling_is_not_reachable_and_names_the_ceiling() -> None:
    result = answer(points(), CURRENT, "macro_f1", 0.97)
    assert result.status == BEYOND and result.labels_needed is None
    assert "not reachable with more labels of the same kind: the curve flattens at 0.9500" \
        in result.sentence


def test_a_goal_only_crossed_past_ten_times_the_labels_is_beyond_reach() -> None:
    result = answer(points(), CURRENT, "macro_f1", 0.945)  # needs 360,000 labels
    assert result.status == BEYOND
    assert "not reachable within 10× the labels (12,500): the curve flattens at 0.9500" \
        in result.sentence


def test_too_few_points_give_no_curve_and_say_so() -> None:
    result = answer(points((100, 200, 400)), CURRENT, "macro_f1", 0.9)
    assert result.status == UNKNOWN and result.params is None
    assert result.expected_at_double is None and "no curve could be fitted" in result.sentence
