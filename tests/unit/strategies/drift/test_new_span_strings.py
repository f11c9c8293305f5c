"""New entity strings: production spans whose text training never labeled."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.drift.span_samples import KNOWN, PEOPLE, false_alarms, hit, side
from textloop.strategies.drift.new_span_strings import NewSpanStringsDetector, fold
from textloop.strategies.drift.span_base import NotEnoughSpans, SpanHit


def test_new_names_drift_listed_by_frequency_with_their_texts() -> None:
    rng = np.random.default_rng(0)
    current = side(rng, 100)
    zed = [[hit("PER", "Zed Quux")] for _ in range(12)]
    mira = [[hit("PER", "MIRA"), hit("ORG", "Acme")], [hit("PER", "Mira")]] * 3
    current = current + zed + mira
    result = NewSpanStringsDetector(permutations=99).test(side(rng, 400), current,
                                                          known_strings=KNOWN)
    assert result.drift and result.fixed_drift
    assert result.details["reference_new_share"] == 0.0
    strings = result.details["new_strings"]
    assert [(s["string"], s["count"], s["rows"]) for s in strings] == [
        ("Zed Quux", 12, 12), ("MIRA", 6, 6)]  # Mira and MIRA are one string, case-folded
    assert strings[0]["examples"] == [100, 101, 102] and strings[0]["label"] == "PER"
    assert strings[1]["examples"] == [112, 113, 114]
    assert result.rows[:10] == list(range(100, 110))


def test_known_strings_in_another_case_are_not_new() -> None:
    rng = np.random.default_rng(1)
    current = [[hit("PER", name.upper())] for name in PEOPLE] * 20
    result = NewSpanStringsDetector(permutations=99).test(side(rng, 400), current,
                                                          known_strings=KNOWN)
    assert not result.drift and result.details["current_new_spans"] == 0
    assert fold(" Carla  DIAZ") == "carla diaz"


def test_unchanged_windows_are_rarely_flagged() -> None:
    assert false_alarms(NewSpanStringsDetector(permutations=99)) <= 4


def test_it_needs_the_training_strings_and_the_texts() -> None:
    rng = np.random.default_rng(2)
    with pytest.raises(NotEnoughSpans, match="training release"):
        NewSpanStringsDetector().test(side(rng, 50), side(rng, 50))
    unlogged = [[SpanHit("PER", 0, 3, 0.9, None)]] * 10
    with pytest.raises(NotEnoughSpans, match="logged texts"):
        NewSpanStringsDetector().test(side(rng, 50), unlogged, known_strings=KNOWN)
