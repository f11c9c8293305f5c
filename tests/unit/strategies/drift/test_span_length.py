"""Span length drift: characters (and tokens) per span."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.drift.span_samples import COMPANIES, false_alarms, hit, side
from textloop.strategies.drift.span_length import SpanLengthDetector


def test_longer_spans_drift_naming_the_texts_of_the_longest() -> None:
    rng = np.random.default_rng(0)
    swallowed = [[hit("ORG", f"{c} and the rest of the sentence")] for c in COMPANIES] * 15
    current = side(rng, 120) + swallowed
    result = SpanLengthDetector(permutations=99).test(side(rng, 400), current)
    assert result.drift and result.fixed_drift and result.details["change"] > 0
    assert result.detector == "textloop.drift.span-length.v1"
    assert result.rows and all(i >= 120 for i in result.rows)
    assert len(set(result.rows)) == len(result.rows)
    assert result.details["tokens"]["current_mean"] > result.details["tokens"]["reference_mean"]
    histogram = {b["bin"]: b for b in result.details["histogram"]}
    assert histogram["21-33"]["current"] > histogram["21-33"]["reference"] == 0.0
    assert sum(b["reference"] for b in histogram.values()) == 1.0


def test_unchanged_windows_are_rarely_flagged() -> None:
    assert false_alarms(SpanLengthDetector(permutations=99)) <= 4
