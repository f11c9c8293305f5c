"""Cross-validated ROC AUC of a ridge classifier, for many label vectors at once.

A permutation test of a domain classifier refits it for every permutation of the side
labels. Ridge regression on the 0/1 labels (Fisher's linear discriminant with shrinkage)
makes that cheap: its coefficients, (X'X + lambda I)^-1 X'y, are linear in the labels, so one
Cholesky factor per fold serves the observed labels and every permuted copy, stacked as the
columns of one matrix. The folds are drawn without looking at the labels, so the observed
AUC and the permuted ones are the same function of the rows and a label vector: under "no
drift" every permutation is as likely as the observed split, and the test is exact.

Which fold a row falls in moves a few hundred rows' AUC by about half the spread of its
permutation null, noise that costs power; a row's score is therefore averaged over several
fold assignments (each score still comes from fits that did not see the row).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.stats import rankdata

# label cells per block of permutations: bounds memory on long windows, ~16 MB per matrix
BLOCK_CELLS = 2_000_000


def fold_ids(n: int, folds: int, rng: np.random.Generator) -> np.ndarray:
    """A fold per row, of near-equal sizes and independent of the labels."""
    return rng.permutation(n) % max(2, min(folds, n))


class CrossValidatedRidge:
    """Out-of-fold ridge scores of fixed rows, for any columns of 0/1 labels.

    ``assignments``: one fold per row (``fold_ids``), once per repeat; a row's score is its
    mean over the repeats. ``ridge`` scales the penalty by the mean eigenvalue of each fold's
    Gram matrix, so it means the same whatever the vectors' norm, dimension or row count.
    """

    def __init__(self, x: np.ndarray, assignments: Sequence[np.ndarray], ridge: float) -> None:
        self.x = np.asarray(x, dtype=np.float64)
        self.repeats = len(assignments)
        self.folds = len(np.unique(assignments[0]))
        self.held = [folds == f for folds in assignments for f in np.unique(folds)]
        self.fits = [self._fit(~held, ridge) for held in self.held]

    def _fit(self, train: np.ndarray, ridge: float
             ) -> tuple[np.ndarray, tuple[np.ndarray, bool]]:
        rows = self.x[train]
        mean = rows.mean(axis=0)
        centred = rows - mean
        gram = centred.T @ centred
        scale = float(np.trace(gram)) / len(gram)
        gram[np.diag_indices_from(gram)] += ridge * (scale if scale > 0 else 1.0)
        return mean, cho_factor(gram)

    def scores(self, labels: np.ndarray) -> np.ndarray:
        """[rows, columns]: each row's score from the fits on the other folds, per column."""
        out = np.zeros(labels.shape, dtype=np.float64)
        for held, (mean, factor) in zip(self.held, self.fits, strict=True):
            train = labels * ~held[:, None]
            counts = train.sum(axis=0)
            # the centred rows sum to zero, so X_c'y = X'y - mean * sum(y)
            coef = cho_solve(factor, self.x.T @ train - np.outer(mean, counts))
            out[held] += (self.x[held] - mean) @ coef + counts / np.count_nonzero(~held)
        return out / self.repeats

    def auc(self, labels: np.ndarray) -> np.ndarray:
        """The out-of-fold ROC AUC of each column of ``labels``."""
        return column_auc(self.scores(labels), labels)

    def permuted_aucs(self, labels: np.ndarray, permutations: int, rng: np.random.Generator,
                      block_cells: int = BLOCK_CELLS) -> np.ndarray:
        """The AUC of ``permutations`` random shuffles of the label vector ``labels``,
        computed in blocks of at most ``block_cells`` label cells."""
        blocks = _shuffled_blocks(labels, permutations, rng, block_cells)
        return np.concatenate([self.auc(block) for block in blocks] or [np.zeros(0)])


def column_auc(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """ROC AUC of each column of ``scores`` against the same column of 0/1 ``labels``
    (the Mann-Whitney U statistic over n1 n0; ties count half)."""
    ranks = rankdata(scores, axis=0)
    positives = labels.sum(axis=0)
    negatives = len(labels) - positives
    u = (ranks * labels).sum(axis=0) - positives * (positives + 1) / 2
    return np.asarray(u / (positives * negatives), dtype=np.float64)


def _shuffled_blocks(labels: np.ndarray, permutations: int, rng: np.random.Generator,
                     block_cells: int) -> Iterator[np.ndarray]:
    step = max(1, block_cells // max(len(labels), 1))
    for start in range(0, permutations, step):
        count = min(step, permutations - start)
        yield np.stack([labels[rng.permutation(len(labels))] for _ in range(count)], axis=1)
