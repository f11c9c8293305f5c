"""Span confidence drift: the logged span scores against the reference's."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.drift.span_samples import false_alarms, hit, side
from textloop.strategies.drift.span_base import NotEnoughSpans
from textloop.strategies.drift.span_confidence import SpanConfidenceDetector


def test_unsure_spans_drift_with_the_low_confidence_share_and_their_texts() -> None:
    rng = np.random.default_rng(0)
    current = side(rng, 100) + side(rng, 60, scores=(2.0, 5.0))
    result = SpanConfidenceDetector(permutations=99).test(side(rng, 400), current)
    assert result.drift and result.fixed_drift and result.details["change"] < 0
    assert result.details["current_low_share"] > 2 * result.details["reference_low_share"]
    worst = min(h.score for row in current for h in row)
    assert any(h.score == worst for h in current[result.rows[0]])
    assert sum(i >= 100 for i in result.rows) >= len(result.rows) - 2


def test_unchanged_windows_are_rarely_flagged() -> None:
    assert false_alarms(SpanConfidenceDetector(permutations=99)) <= 4


def test_spans_without_scores_are_not_enough_data() -> None:
    unscored = [[hit("PER", "Ana", None)]] * 20
    with pytest.raises(NotEnoughSpans, match="score"):
        SpanConfidenceDetector().test(unscored, unscored)
