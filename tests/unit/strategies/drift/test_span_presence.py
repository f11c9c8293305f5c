"""Span presence drift: the share of texts with at least one span."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.drift.span_samples import false_alarms, side
from textloop.strategies.drift.span_presence import SpanPresenceDetector, two_proportion_p


def test_a_window_where_the_model_finds_nothing_drifts_naming_empty_texts() -> None:
    rng = np.random.default_rng(0)
    current = side(rng, 100) + [[] for _ in range(60)]
    result = SpanPresenceDetector(permutations=99).test(side(rng, 400), current)
    assert result.drift and result.fixed_drift
    assert result.details["change"] < -0.2
    assert result.rows and all(current[i] == [] for i in result.rows)


def test_more_texts_with_spans_names_the_texts_with_the_most() -> None:
    rng = np.random.default_rng(2)
    current = side(rng, 150, per_rate=3.0)
    result = SpanPresenceDetector(permutations=99).test(side(rng, 400, per_rate=0.3), current)
    assert result.drift and result.details["change"] > 0
    most = max(len(row) for row in current)
    assert len(current[result.rows[0]]) == most


def test_unchanged_windows_are_rarely_flagged() -> None:
    assert false_alarms(SpanPresenceDetector(permutations=99)) <= 4


def test_the_fixed_rule_is_the_two_proportion_z_test() -> None:
    # 50 of 100 against 50 of 100: no difference; 10 of 100 against 50 of 100: p tiny
    half = np.r_[np.ones(50), np.zeros(50)]
    assert two_proportion_p(half, half) == 1.0
    assert two_proportion_p(np.r_[np.ones(10), np.zeros(90)], half) < 1e-8
