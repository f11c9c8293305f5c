"""Pool and test rows: the file's test split when it has one, else a stratified 20% per seed."""

from __future__ import annotations

import numpy as np

from textloop.stages.simulate.splits import split_rows


def test_stratified_twenty_percent_per_class_and_per_seed() -> None:
    y = np.repeat([0, 1, 2], [50, 30, 1])
    split = split_rows(y, None, seed=0)
    assert np.bincount(y[split.test], minlength=3).tolist() == [10, 6, 0]  # singleton stays
    assert sorted(np.concatenate([split.pool, split.test]).tolist()) == list(range(81))
    assert split_rows(y, None, seed=0).test.tolist() == split.test.tolist()
    assert split_rows(y, None, seed=1).test.tolist() != split.test.tolist()


def test_the_files_test_split_is_kept_for_every_seed() -> None:
    y = np.array([0, 1, 0, 1, 0, 1])
    is_test = np.array([False, False, False, False, True, True])
    for seed in (0, 3):
        split = split_rows(y, is_test, seed)
        assert split.test.tolist() == [4, 5] and split.pool.tolist() == [0, 1, 2, 3]
