"""Least confidence, margin and entropy on a pool where each picks a different item first."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.query.pools import (
    ENTROPY_ORDER,
    LEAST_CONFIDENCE_ORDER,
    MARGIN_ORDER,
    PROBA,
    context,
)
from textloop.errors import InvalidInputError
from textloop.strategies.query import get_strategy
from textloop.strategies.query.uncertainty import entropy, least_confidence, margin

POOL = np.zeros((4, 2), dtype=np.float32)


def test_scores_have_the_textbook_values() -> None:
    assert least_confidence(PROBA) == pytest.approx([0.10, 0.50, 0.60, 0.55])
    assert margin(PROBA) == pytest.approx([0.86, 0.00, 0.05, 0.45 - 0.55 / 3])
    assert entropy(np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])) == pytest.approx([np.log(2), 0])
    assert margin(np.ones((3, 1))).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(("name", "order"), [("margin", MARGIN_ORDER),
                                             ("least-confidence", LEAST_CONFIDENCE_ORDER),
                                             ("entropy", ENTROPY_ORDER)])
def test_each_measure_ranks_the_pool_as_it_should(name: str, order: list[int]) -> None:
    full, strategy = get_strategy(name)
    assert full == f"textloop.query.{name}.v1"
    assert strategy.needs_model
    assert strategy.select(context(POOL, PROBA), 4).tolist() == order
    assert strategy.select(context(POOL, PROBA), 1).tolist() == order[:1]


def test_margin_breaks_ties_first() -> None:
    """The near tie between two labels is chosen over a confident item and a three-way spread."""
    proba = np.array([[0.98, 0.01, 0.01], [0.40, 0.30, 0.30], [0.49, 0.51, 0.00]])
    _, strategy = get_strategy("margin")
    assert strategy.select(context(np.zeros((3, 2)), proba), 1).tolist() == [2]


def test_uncertainty_strategies_need_a_model() -> None:
    _, strategy = get_strategy("entropy")
    with pytest.raises(InvalidInputError, match="entropy strategy needs"):
        strategy.select(context(POOL), 2)
