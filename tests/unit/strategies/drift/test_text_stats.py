"""Text statistics drift: length and character make-up."""

from __future__ import annotations

import random

import numpy as np
import pytest

from textloop.strategies.drift.text_stats import FEATURES, TextStatsDetector, text_features

WORDS = ["card", "refund", "transfer", "balance", "top", "up", "pin", "atm", "fee", "account"]


def sentences(rng: random.Random, n: int, low: int = 4, high: int = 9) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))) for _ in range(n)]


def test_features_of_a_text() -> None:
    (row,) = text_features(["Ab 12"])
    values = dict(zip(FEATURES, row, strict=True))
    assert values["text_length"] == 5 and values["word_count"] == 2
    assert values["non_letter_char_share"] == pytest.approx(3 / 5)
    assert values["digit_share"] == pytest.approx(2 / 5)
    assert values["uppercase_share"] == pytest.approx(1 / 5)


def test_longer_texts_are_flagged_and_the_longest_drive_it() -> None:
    rng = random.Random(0)
    reference = sentences(rng, 600)
    current = sentences(rng, 150) + sentences(rng, 50, 30, 40)
    result = TextStatsDetector(permutations=99).test(reference, current)
    assert result.drift and result.fixed_drift
    assert all(i >= 150 for i in result.rows[:20])
    assert result.details["features"]["word_count"]["current_mean"] > 8


def test_the_same_kind_of_text_is_rarely_flagged() -> None:
    rng = random.Random(1)
    reference = sentences(rng, 600)
    detector = TextStatsDetector(permutations=99)
    flagged = sum(detector.test(reference, sentences(rng, 200), seed=s).drift for s in range(30))
    assert flagged <= 4
    assert np.isfinite(detector.test(reference, sentences(rng, 200)).threshold)
