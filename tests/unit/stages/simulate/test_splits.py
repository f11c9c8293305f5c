"""Pool and test rows: the file's test split when it has one, else a stratified 20% per seed."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.stages.simulate.splits import check_split, split_rows


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


def test_a_split_without_test_rows_or_with_too_small_a_pool_is_refused_naming_both() -> None:
    strata = np.array([0] * 50 + [1] * 50)
    check_split(strata, None, 80, "records")  # 80 pool rows: enough
    with pytest.raises(InvalidInputError, match="more than the 80 records outside") as caught:
        check_split(strata, None, 81, "records")
    assert "--budget 80" in (caught.value.hint or "")
    every_row_in_test = np.ones(100, dtype=bool)
    with pytest.raises(InvalidInputError, match="--budget 1 is more than the 0 labeled rows"):
        check_split(strata, every_row_in_test, 1, "labeled rows")
    with pytest.raises(InvalidInputError, match="no records are left for a test set"):
        check_split(strata, np.zeros(100, dtype=bool), 10, "records")
