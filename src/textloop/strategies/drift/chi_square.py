"""Chi-square test of homogeneity for a categorical column (labels, bands).

The statistic is Pearson's chi-square of the 2 x k table (reference counts, current counts).
Evidently's fixed rule is a p-value below 0.05 (its default for categorical columns up to
1,000 rows); Evidently tests goodness of fit against the reference shares, which is infinite
as soon as production shows a category the reference never had, so the two-sample table is
used here. With many categories and few rows the asymptotic p-value is unreliable, which
the permutation decision does not depend on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2

from textloop.strategies.drift.categorical import CategoricalDetector

NAME = "textloop.drift.label-chi-square.v1"
EVIDENTLY_P_VALUE = 0.05


def chi_square(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    """Pearson's statistic of the 2 x k table; categories empty in both are left out."""
    table = np.vstack([reference_counts, current_counts])
    table = table[:, table.sum(axis=0) > 0]
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    return float(((table - expected) ** 2 / expected).sum())


def asymptotic_p_value(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    seen = int(np.count_nonzero(reference_counts + current_counts))
    return float(chi2.sf(chi_square(reference_counts, current_counts), max(seen - 1, 1)))


@dataclass(frozen=True)
class ChiSquareDetector(CategoricalDetector):
    fixed_p_value: float = EVIDENTLY_P_VALUE
    name = NAME

    def statistic(self, reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
        return chi_square(reference_counts, current_counts)

    def fixed_rule(self, reference_counts: np.ndarray, current_counts: np.ndarray
                   ) -> tuple[float, bool, dict[str, Any]]:
        p = asymptotic_p_value(reference_counts, current_counts)
        return self.fixed_p_value, p < self.fixed_p_value, {"asymptotic_p_value": p}
