"""SetFit's pair generation: balanced, label-consistent, capped."""

from __future__ import annotations

import numpy as np

from textloop.models.setfit.pairs import pair_count, sentence_pairs


def test_pairs_are_half_positive_and_targets_match_the_labels() -> None:
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    left, right, target = sentence_pairs(y, 40, np.random.default_rng(0))
    assert len(left) == len(right) == len(target) == 40
    assert target.sum() == 20
    np.testing.assert_array_equal(y[left] == y[right], target == 1.0)
    positive = target == 1.0
    assert np.all(left[positive] != right[positive])  # another row of the class when it has one
    assert set(left) == set(range(8))  # every example is used


def test_pair_count_scales_with_examples_up_to_the_cap() -> None:
    assert pair_count(16, num_iterations=20, max_pairs=10_000) == 640
    assert pair_count(616, num_iterations=20, max_pairs=1280) == 1280
