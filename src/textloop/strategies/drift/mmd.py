"""Maximum mean discrepancy between reference and current embeddings, with a permutation test.

MMD is the distance between the mean embeddings of the two samples in the feature space of
a kernel: 0 when the distributions agree, larger as they differ in any way (not only in
their means). The kernel is RBF, k(x, y) = exp(-|x - y|^2 / (2 s^2)), with s^2 the median
squared distance between pooled rows (the median heuristic), so no bandwidth has to be
chosen. The score is the squared MMD (the biased V-statistic: exactly 0 for identical
samples, and symmetric). Evidently's embeddings-drift ``mmd`` method flags 0.015.

The permutation test reuses one kernel matrix: a permutation only changes which rows carry
the weights 1/n and -1/m, so all permutations cost one matrix product. The driving rows are
where the witness function (mean kernel to current rows minus mean kernel to reference rows)
is largest: production rows in regions the reference barely covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textloop.strategies.drift.base import (
    DriftResult,
    PermutationTested,
    calibrate,
    decided,
    top_rows,
)

NAME = "textloop.drift.mmd.v1"
EVIDENTLY_THRESHOLD = 0.015


def rbf_kernel(x: np.ndarray) -> np.ndarray:
    """The RBF kernel matrix of the rows of ``x``, bandwidth by the median heuristic."""
    norms = (x * x).sum(axis=1)
    squared = np.maximum(norms[:, None] + norms[None, :] - 2.0 * (x @ x.T), 0.0)
    upper = squared[np.triu_indices(len(x), k=1)]
    median = float(np.median(upper)) if upper.size else 1.0
    return np.exp(-squared / (2.0 * (median if median > 0 else 1.0)))


def group_weights(n: int, m: int) -> np.ndarray:
    return np.concatenate([np.full(n, 1.0 / n), np.full(m, -1.0 / m)])


def mmd_squared(kernel: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """w' K w for each column w of ``weights`` ([N] or [N, B])."""
    columns = weights.reshape(len(weights), -1)
    return np.einsum("ib,ib->b", columns, kernel @ columns)


def mmd(reference: np.ndarray, current: np.ndarray) -> float:
    """Squared MMD between two samples (RBF kernel, median heuristic)."""
    kernel = rbf_kernel(np.vstack([reference, current]).astype(np.float64))
    return float(mmd_squared(kernel, group_weights(len(reference), len(current)))[0])


@dataclass(frozen=True)
class MmdDetector(PermutationTested):
    max_reference: int = 1000
    fixed_threshold: float = EVIDENTLY_THRESHOLD

    def test(self, reference: np.ndarray, current: np.ndarray, *, seed: int = 0) -> DriftResult:
        rng = np.random.default_rng(seed)
        ref = np.asarray(reference, dtype=np.float64)
        ref = ref[self.reference_rows(len(ref), rng)]
        cur = np.asarray(current, dtype=np.float64)
        kernel = rbf_kernel(np.vstack([ref, cur]))
        weights = group_weights(len(ref), len(cur))
        score = float(mmd_squared(kernel, weights)[0])
        shuffled = np.stack([weights[rng.permutation(len(weights))]
                             for _ in range(self.permutations)], axis=1)
        verdict = calibrate(score, mmd_squared(kernel, shuffled), self.alpha)
        return decided(NAME, score, verdict, fixed=(self.fixed_threshold,
                                                    score > self.fixed_threshold),
                       rows=top_rows(witness(kernel, len(ref)), self.rows))


def witness(kernel: np.ndarray, n: int) -> np.ndarray:
    """At each current row: mean kernel to the other current rows minus mean to reference."""
    block = kernel[n:]
    m = block.shape[0]
    to_current = (block[:, n:].sum(axis=1) - 1.0) / max(m - 1, 1)
    return to_current - block[:, :n].mean(axis=1)
