"""Query-by-committee: picks where bootstrap models disagree; survives missing classes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.query.pools import context, logistic
from textloop.errors import InvalidInputError
from textloop.strategies.query import get_strategy


def line(xs: list[float]) -> np.ndarray:
    """Points on a line (first coordinate), with a constant second feature."""
    return np.column_stack([xs, np.ones(len(xs))]).astype(np.float32)


def test_qbc_picks_the_items_between_the_classes() -> None:
    labeled = line([-3, -2.5, -2, -1.5, 1.5, 2, 2.5, 3])
    y = ["a"] * 4 + ["b"] * 4
    pool = line([-4, 4, 0.05, -3.5, 3.5, -0.05])  # the two near 0 are where members differ
    full, strategy = get_strategy("qbc", members=15)
    assert full == "textloop.query.qbc.v1"
    picks = strategy.select(context(pool, labeled_X=labeled, labeled_y=y, seed=0,
                                    make_classifier=logistic), 2)
    assert sorted(picks.tolist()) == [2, 5]


def test_resamples_missing_a_class_or_left_with_one_class_are_handled() -> None:
    rng = np.random.default_rng(1)
    labeled = rng.normal(size=(7, 3)).astype(np.float32)
    y = ["a", "a", "a", "b", "b", "b", "rare"]  # most resamples miss "rare"
    _, strategy = get_strategy("qbc", members=8)
    picks = strategy.select(context(rng.normal(size=(40, 3)), labeled_X=labeled, labeled_y=y,
                                    make_classifier=logistic), 10)
    assert len(set(picks.tolist())) == 10
    two = strategy.select(context(rng.normal(size=(9, 3)), labeled_X=labeled[[0, 3]],
                                  labeled_y=["a", "b"], make_classifier=logistic), 3)
    assert len(set(two.tolist())) == 3


def test_qbc_is_deterministic_per_seed() -> None:
    rng = np.random.default_rng(2)
    labeled, pool = rng.normal(size=(30, 4)), rng.normal(size=(200, 4))
    y = np.array(["x", "y", "z"])[rng.integers(0, 3, 30)]
    _, strategy = get_strategy("qbc")

    def run() -> list[int]:
        ctx = context(pool, labeled_X=labeled, labeled_y=y, seed=4, make_classifier=logistic)
        return strategy.select(ctx, 15).tolist()

    assert run() == run()


def test_qbc_needs_two_classes_and_a_classifier_factory() -> None:
    _, strategy = get_strategy("qbc")
    pool = np.zeros((5, 2))
    with pytest.raises(InvalidInputError, match="at least 2"):
        strategy.select(context(pool, labeled_X=np.zeros((2, 2)), labeled_y=["a", "a"],
                                make_classifier=logistic), 2)
    with pytest.raises(InvalidInputError, match="classifier factory"):
        strategy.select(context(pool, labeled_X=np.zeros((2, 2)), labeled_y=["a", "b"]), 2)
