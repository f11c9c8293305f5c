"""The shared top-k: highest first, ties by the tiebreak then the lower index, any pool size."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.query.pools import PROBA, context
from textloop.errors import InvalidInputError
from textloop.strategies.query.ranking import batch_size, require_proba, top_k


def test_top_k_orders_by_score_then_index() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.5, 0.0])
    assert top_k(scores, 4).tolist() == [1, 3, 2, 4]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 4, 0, 5]


def test_top_k_tiebreak_comes_before_the_index() -> None:
    scores = np.array([1.0, 1.0, 1.0, 0.0])
    tiebreak = np.array([0.1, 0.3, 0.2, 9.0])
    assert top_k(scores, 2, tiebreak=tiebreak).tolist() == [1, 2]


def test_top_k_matches_a_full_sort_on_a_large_pool() -> None:
    scores = np.random.default_rng(3).integers(0, 50, size=20_000).astype(float)
    expected = np.lexsort((np.arange(scores.shape[0]), -scores))[:137]
    assert top_k(scores, 137).tolist() == expected.tolist()
    assert top_k(scores, 0).shape == (0,)


def test_batch_is_capped_by_the_pool_and_must_be_positive() -> None:
    ctx = context(np.zeros((3, 2)))
    assert batch_size(ctx, 10) == 3
    with pytest.raises(InvalidInputError, match="at least 1"):
        batch_size(ctx, 0)


def test_probabilities_are_required_and_checked() -> None:
    with pytest.raises(InvalidInputError) as info:
        require_proba(context(np.zeros((4, 2))), "margin")
    assert "cold-start" in (info.value.hint or "")
    with pytest.raises(InvalidInputError, match="one row per pool item"):
        require_proba(context(np.zeros((5, 2)), PROBA), "margin")
