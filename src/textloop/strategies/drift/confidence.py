"""Confidence drift: is the model as sure of production rows as of the reference rows?

The input is each row's confidence (the calibrated probability of the predicted label). The
score is the two-sample Kolmogorov-Smirnov statistic; Evidently's fixed rule for a numeric
column of up to 1,000 rows is the KS p-value below 0.05. This is the classifier-softmax KS
test of Rabanser et al. ("Failing loudly", 2019). Unfamiliar inputs usually lower the
confidence, so the driving rows are the least confident ones when the mean fell (the most
confident when it rose).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import ks_2samp

from textloop.strategies.drift.base import (
    DriftResult,
    PermutationTested,
    decided,
    ks_statistic,
    top_rows,
)

NAME = "textloop.drift.confidence.v1"
EVIDENTLY_P_VALUE = 0.05


@dataclass(frozen=True)
class ConfidenceDetector(PermutationTested):
    fixed_p_value: float = EVIDENTLY_P_VALUE

    def test(self, reference: Sequence[float] | np.ndarray, current: Sequence[float] | np.ndarray,
             *, seed: int = 0) -> DriftResult:
        rng = np.random.default_rng(seed)
        ref = np.asarray(reference, dtype=np.float64)
        ref = ref[self.reference_rows(len(ref), rng)]
        cur = np.asarray(current, dtype=np.float64)
        score, verdict = self.permutation_test(ks_statistic, ref, cur, rng)
        p_fixed = float(ks_2samp(ref, cur, method="asymp").pvalue)
        change = float(cur.mean() - ref.mean())
        driving = top_rows(-cur if change <= 0 else cur, self.rows)
        return decided(
            NAME, score, verdict, fixed=(self.fixed_p_value, p_fixed < self.fixed_p_value),
            rows=driving, details={"reference_mean": float(ref.mean()),
                                   "current_mean": float(cur.mean()), "change": change,
                                   "ks_p_value": p_fixed})
