"""Which rows are the unlabeled pool and which the test set, per seed.

A file with a "test" split keeps it for every seed (it is the benchmark's own test set);
otherwise each seed holds out a stratified 20%, so the seeds also average over test sets.
A class with a single row stays in the pool: it cannot be both learned and tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textloop.errors import InvalidInputError

TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Split:
    pool: np.ndarray
    """Row indices the strategies may query (their labels are the oracle's answers)."""
    test: np.ndarray
    """Row indices every model is scored on."""


def split_rows(y: np.ndarray, is_test: np.ndarray | None, seed: int) -> Split:
    if is_test is not None:
        return Split(np.flatnonzero(~is_test), np.flatnonzero(is_test))
    rng = np.random.default_rng([seed, 20])
    test = []
    for code in np.unique(y):
        rows = np.flatnonzero(y == code)
        take = int(np.floor(TEST_FRACTION * rows.shape[0] + 0.5)) if rows.shape[0] > 1 else 0
        test.append(rng.permutation(rows)[:take])
    held = np.zeros(y.shape[0], dtype=bool)
    held[np.concatenate(test)] = True
    return Split(np.flatnonzero(~held), np.flatnonzero(held))


def check_split(strata: np.ndarray, is_test: np.ndarray | None, budget: int,
                rows: str) -> None:
    """Refuse data that leaves no test set, or fewer pool ``rows`` (``"labeled rows"``,
    ``"records"``) outside it than the labeling ``budget``: the two checks every simulation
    makes on its first split before any learner is fitted."""
    split = split_rows(strata, is_test, 0)
    if split.test.shape[0] == 0:
        raise InvalidInputError(f"no {rows} are left for a test set",
                                hint=f"use a file with more {rows}")
    if budget > split.pool.shape[0]:
        raise InvalidInputError(
            f"--budget {budget:,} is more than the {split.pool.shape[0]:,} {rows} outside the "
            "test set", hint=f"pass --budget {split.pool.shape[0]} or less")
