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


def test_distinct_two_counts_distinct_word_bigrams() -> None:
    full, distinct = make_diversity("distinct-2")
    assert full == "textloop.synth_gate.distinct-2.v1" and not distinct.needs_vectors
    # bigrams: (a b) (b c) | (a b) (b d) -> 3 distinct of 4
    assert distinct(["A b, c", "a B d"], None) == pytest.approx(0.75)
    assert distinct(["one"], None) == 0.0


def test_an_unknown_measure_names_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as caught:
        make_diversity("entropy")
    assert "cosine-spread" in (caught.value.hint or "")
