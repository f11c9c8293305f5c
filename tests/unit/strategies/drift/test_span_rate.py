"""Span rate drift: spans per text per type, reference against production."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.drift.span_samples import KNOWN, false_alarms, side
from textloop.strategies.drift.span_base import NotEnoughSpans
from textloop.strategies.drift.span_rate import SpanRateDetector, rate_chi_square, type_counts


def test_the_statistic_is_the_poisson_rate_chi_square_counted_by_hand() -> None:
    reference = np.array([[1.0, 0.0], [1.0, 1.0]])  # PER 2 over 2 texts, ORG 1
    current = np.array([[3.0, 1.0], [1.0, 0.0]])  # PER 4, ORG 1
    # PER: pooled 6/4, gap 2 - 1 = 1, var 1.5 * (1/2 + 1/2) = 1.5 -> 1/1.5; ORG: gap 0
    assert rate_chi_square(reference, current) == pytest.approx(1 / 1.5)


def test_a_type_found_three_times_as_often_drifts_with_the_texts_that_hold_it() -> None:
    rng = np.random.default_rng(0)
    reference = side(rng, 400)
    current = side(rng, 100) + side(rng, 50, org_rate=3.0)
    result = SpanRateDetector(permutations=99).test(reference, current, known_strings=KNOWN)
    assert result.drift and result.fixed_drift
    org = result.details["types"]["ORG"]
    assert org["current_rate"] > 2 * org["reference_rate"]
    assert org["z"] > 3 > abs(result.details["types"]["PER"]["z"])
    # the driving rows are texts with the most ORG spans, from the shifted part
    counts = type_counts(current, ["ORG", "PER"])[:, 0]
    assert result.rows and all(counts[i] >= 3 for i in result.rows)
    assert sum(i >= 100 for i in result.rows) >= len(result.rows) - 2


def test_a_type_that_disappears_names_texts_without_it() -> None:
    rng = np.random.default_rng(1)
    current = side(rng, 150, org_rate=0.0)
    result = SpanRateDetector(permutations=99).test(side(rng, 400), current)
    assert result.drift and result.details["types"]["ORG"]["current_spans"] == 0
    assert result.rows and all(not any(h.label == "ORG" for h in current[i])
                               for i in result.rows)


def test_unchanged_windows_are_rarely_flagged() -> None:
    assert false_alarms(SpanRateDetector(permutations=99)) <= 4


def test_no_spans_anywhere_is_not_enough_data() -> None:
    with pytest.raises(NotEnoughSpans):
        SpanRateDetector().test([[]] * 10, [[]] * 10)
