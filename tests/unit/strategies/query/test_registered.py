"""Every built-in strategy is registered under a versioned name and returns valid picks."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.query.pools import context, logistic, unit_rows
from textloop.registry import REGISTRY
from textloop.strategies.query import get_strategy

NAMES = ["random", "least-confidence", "margin", "entropy", "qbc", "cluster-margin",
         "cold-start", "default"]
VERSION = {"default": 3}
"""The newest version each short name resolves to, where it is not 1."""


def test_all_built_ins_are_registered() -> None:
    get_strategy("random")  # imports the built-ins
    assert set(NAMES) <= set(REGISTRY.names("query"))


@pytest.mark.parametrize("name", NAMES)
def test_every_strategy_returns_unique_in_range_indices(name: str) -> None:
    rng = np.random.default_rng(0)
    pool, labeled = unit_rows(rng.normal(size=(300, 8))), unit_rows(rng.normal(size=(40, 8)))
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, 40)]
    ctx = context(pool, rng.dirichlet([1.0] * 3, size=300), labeled_X=labeled, labeled_y=y,
                  make_classifier=logistic)
    full, strategy = get_strategy(name)
    picks = np.asarray(strategy.select(ctx, 25))
    assert full == f"textloop.query.{name}.v{VERSION.get(name, 1)}"
    assert picks.shape == (25,) and len(set(picks.tolist())) == 25
    assert picks.min() >= 0 and picks.max() < 300
