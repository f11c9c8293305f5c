"""SetFit's sentence pairs: for every labeled example, a positive and a negative partner.

Few labeled examples give many pairs: with 8 per class, each example pairs with the other 7
of its class (target similarity 1) and with every example of another class (target 0), so
contrastive tuning has far more to learn from than the labels alone.
"""

from __future__ import annotations

import numpy as np

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(left row, right row, target cosine similarity) arrays of equal length."""


def pair_count(n_examples: int, num_iterations: int, max_pairs: int) -> int:
    """2 pairs per example per iteration (as SetFit), at most ``max_pairs`` (CPU time)."""
    return max(1, min(2 * num_iterations * n_examples, max_pairs))


def sentence_pairs(y_idx: np.ndarray, count: int, rng: np.random.Generator) -> Pairs:
    """``count`` pairs, half positive and half negative, shuffled.

    Each pair starts from an example taken in turn (every example as often as the others),
    its partner drawn from its own class (another row where the class has one) or from the
    other classes.
    """
    n = len(y_idx)
    left = np.resize(rng.permutation(n), count)
    positive = np.arange(count) % 2 == 0
    right = np.array([_partner(y_idx, int(i), same, rng) for i, same in zip(left, positive,
                                                                         strict=True)])
    order = rng.permutation(count)
    return left[order], right[order], positive[order].astype(np.float32)


def _partner(y_idx: np.ndarray, row: int, same: bool, rng: np.random.Generator) -> int:
    label = y_idx[row]
    if same:
        candidates = np.flatnonzero((y_idx == label) & (np.arange(len(y_idx)) != row))
        return int(rng.choice(candidates)) if len(candidates) else row
    return int(rng.choice(np.flatnonzero(y_idx != label)))
