"""Regression releases: the target's statistics per split."""

from __future__ import annotations

import numpy as np

from textloop.stages.release.target import target_stats
from textloop.tasks.regression import target_values


def test_stats_per_split_and_empty_split() -> None:
    values = target_values(["1.0", "2.0", "3.0", "4.0"])
    stats = target_stats(values, np.array([0, 0, 1, 1]))
    assert stats["train"]["mean"] == 1.5 and stats["validation"]["max"] == 4.0
    assert stats["test"] == {"n": 0, "mean": None, "std": None, "min": None, "median": None,
                             "max": None}
