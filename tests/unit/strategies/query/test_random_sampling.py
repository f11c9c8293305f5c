"""Random sampling: unique pool indices, the same for the same seed, different for another."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.query.pools import context
from textloop.strategies.query import get_strategy

POOL = np.zeros((1000, 4), dtype=np.float32)


def test_random_is_deterministic_per_seed_and_unique() -> None:
    _, strategy = get_strategy("random")
    first = strategy.select(context(POOL, seed=7), 50)
    again = strategy.select(context(POOL, seed=7), 50)
    other = strategy.select(context(POOL, seed=8), 50)
    assert first.tolist() == again.tolist()
    assert first.tolist() != other.tolist()
    assert len(set(first.tolist())) == 50 and first.min() >= 0 and first.max() < 1000
    assert not strategy.needs_model


def test_random_returns_the_whole_pool_when_it_is_smaller() -> None:
    _, strategy = get_strategy("random")
    assert sorted(strategy.select(context(POOL[:3]), 10).tolist()) == [0, 1, 2]
