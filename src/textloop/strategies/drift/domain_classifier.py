"""Domain classifier: can a classifier tell production rows from reference rows?

A logistic regression learns, on sentence embeddings, to separate the reference sample
(label 0) from the current window (label 1); its cross-validated ROC AUC is the score. 0.5
means the two are indistinguishable; Evidently's embeddings-drift ``model`` method flags an
AUC above 0.55. But an AUC computed on a few hundred rows is noisy, so the calibrated
threshold comes from windows where nothing changed: windows of the current size drawn from
``pool`` (same-distribution rows the reference sample does not hold, e.g. the rest of the
training data) and scored against the same reference sample. Those null AUCs are the
expensive part and depend only on the reference and the window size, so a caller that
tests many windows computes them once (``null_scores``) and passes them in. Without a pool,
the null comes from permutations of reference and current rows. An AUC is a Mann-Whitney
U statistic, close to normal under the null, so the threshold is the null mean plus
z(1 - alpha) standard deviations: 50 windows serve an alpha of 0.001 as well as 0.05.

The driving rows are the current rows the classifier finds most production-like (highest
out-of-fold score): what production sends that the reference does not contain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from textloop.registry import REGISTRY
from textloop.strategies.drift.base import (
    DEFAULT_ALPHA,
    DEFAULT_ROWS,
    DriftResult,
    bounded,
    calibrate_normal,
    decided,
    top_rows,
)

NAME = "textloop.drift.domain-classifier.v1"
EVIDENTLY_THRESHOLD = 0.55


@REGISTRY.register(NAME)
@dataclass(frozen=True)
class DomainClassifier:
    alpha: float = DEFAULT_ALPHA
    fixed_threshold: float = EVIDENTLY_THRESHOLD
    folds: int = 3
    C: float = 1.0
    max_reference: int = 1000
    null_windows: int = 50
    rows: int = DEFAULT_ROWS

    def test(self, reference: np.ndarray, current: np.ndarray, *, seed: int = 0,
             pool: np.ndarray | None = None, null: np.ndarray | None = None) -> DriftResult:
        """``null``: AUCs from ``null_scores`` for this reference sample and window size."""
        ref = self.reference_sample(reference, seed)
        cur = np.asarray(current, dtype=np.float64)
        auc, scores = self.roc_auc(ref, cur, seed)
        method = "given null"
        if null is None:
            null = self.null_scores(ref, len(cur), pool=pool, current=cur, seed=seed)
            method = "reference windows" if pool is not None else "permutation"
        verdict = calibrate_normal(auc, null, self.alpha)
        return decided(
            NAME, auc, verdict, fixed=(self.fixed_threshold, auc > self.fixed_threshold),
            rows=top_rows(scores, self.rows),
            details={"null_mean": float(np.mean(null)), "null_sd": float(np.std(null, ddof=1)),
                     "null_windows": len(null),
                     "reference_rows": len(ref)},
            method="reference windows" if method == "given null" else method)

    def reference_sample(self, reference: np.ndarray, seed: int = 0) -> np.ndarray:
        """At most ``max_reference`` rows, seeded: the sample every window is compared with."""
        ref = np.asarray(reference, dtype=np.float64)
        return ref[bounded(len(ref), self.max_reference, np.random.default_rng(seed))]

    def roc_auc(self, reference: np.ndarray, current: np.ndarray,
                seed: int = 0) -> tuple[float, np.ndarray]:
        """(cross-validated ROC AUC, out-of-fold score of each current row)."""
        x = np.vstack([reference, current])
        y = np.r_[np.zeros(len(reference)), np.ones(len(current))]
        folds = StratifiedKFold(self.folds, shuffle=True, random_state=seed)
        # liblinear: an order of magnitude faster than lbfgs on a few thousand rows
        classifier = LogisticRegression(C=self.C, solver="liblinear", max_iter=500)
        scores = cross_val_predict(classifier, x, y, cv=folds, method="decision_function")
        return float(roc_auc_score(y, scores)), scores[len(reference):]

    def null_scores(self, reference: np.ndarray, size: int, *, pool: np.ndarray | None = None,
                    current: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
        """AUCs of ``null_windows`` windows of ``size`` rows where nothing changed.

        ``reference`` is the sample itself (``reference_sample``), not the full split.
        """
        rng = np.random.default_rng([seed, size])
        if pool is None and current is None:
            raise ValueError("null_scores needs a pool of reference rows or the current rows")
        out = np.empty(self.null_windows, dtype=np.float64)
        for b in range(self.null_windows):
            ref, window = _null_window(reference, size, pool, current, rng)
            out[b] = self.roc_auc(ref, window, seed + b + 1)[0]
        return out


def _null_window(reference: np.ndarray, size: int, pool: np.ndarray | None,
                 current: np.ndarray | None, rng: np.random.Generator
                 ) -> tuple[np.ndarray, np.ndarray]:
    """A reference-vs-reference window from ``pool``, else a permutation of both samples."""
    if pool is not None:
        chosen = rng.choice(len(pool), size, replace=len(pool) < size)
        return reference, np.asarray(pool, dtype=np.float64)[chosen]
    assert current is not None
    pooled = np.vstack([reference, current])
    order = rng.permutation(len(pooled))
    return pooled[order[:len(reference)]], pooled[order[len(reference):]]
