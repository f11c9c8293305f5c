"""Diversity measures: known values on small cases, and the registry names."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import NotFoundError
from textloop.strategies.synth_gate import make_diversity


def test_cosine_spread_is_the_mean_pairwise_cosine_distance() -> None:
    full, spread = make_diversity("cosine-spread")
    assert full == "textloop.synth_gate.cosine-spread.v1" and spread.needs_vectors
    rng = np.random.default_rng(0)
    x = rng.normal(size=(9, 5))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cosines = x @ x.T
    expected = 1.0 - cosines[~np.eye(9, dtype=bool)].mean()
    assert spread(["t"] * 9, x * 3.0) == pytest.approx(expected)  # length does not matter
    assert spread(["a", "b"], np.array([[1.0, 0.0], [1.0, 0.0]])) == pytest.approx(0.0)
    assert spread(["a"], np.ones((1, 2))) == 0.0


V1 = "textloop.synth_gate.distinct-2.v1"


@pytest.mark.parametrize(("name", "language"), [(V1, None), (V1, "ko"), ("distinct-2", None),
                                               ("distinct-2", "en")])
def test_distinct_two_counts_distinct_word_bigrams(name: str, language: str | None) -> None:
    full, distinct = make_diversity(name, language)
    assert full.startswith("textloop.synth_gate.distinct-2.v") and not distinct.needs_vectors
    # bigrams: (a b) (b c) | (a b) (b d) -> 3 distinct of 4
    assert distinct(["A b, c", "a B d"], None) == pytest.approx(0.75)
    assert distinct(["one"], None) == 0.0


def test_distinct_two_version_two_counts_character_pairs_where_words_are_not_units() -> None:
    """In Korean the n-grams are the character pairs ``clean``'s MinHash shingles are:
    학교가/학교는 share 학교; in words they share nothing."""
    texts = ["학교가 멀다", "학교는 멀다"]
    assert make_diversity("textloop.synth_gate.distinct-2.v1")[1](texts, None) == pytest.approx(1.0)
    full, korean = make_diversity("distinct-2", language="ko")
    assert full == "textloop.synth_gate.distinct-2.v2"
    # pairs of "학교가 멀다": 학교 교가 "가 " " 멀" 멀다; the second adds 교는 and "는 "
    assert korean(texts, None) == pytest.approx(7 / 10)
    assert make_diversity("distinct-2", language="en")[1](texts, None) == pytest.approx(1.0)


def test_an_unknown_measure_names_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as caught:
        make_diversity("entropy")
    assert "cosine-spread" in (caught.value.hint or "")
