"""Population stability index of a categorical column (predicted labels, action bands).

PSI = sum over categories of (current share - reference share) * ln(current / reference),
with empty shares floored at 0.0001 as Evidently does. Evidently flags PSI above 0.1; the
calibrated decision compares it with permutations of the same two samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.strategies.drift.categorical import EPSILON, CategoricalDetector, shares

NAME = "textloop.drift.label-psi.v1"
EVIDENTLY_THRESHOLD = 0.1


def psi(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    ref = shares(reference_counts, EPSILON)
    cur = shares(current_counts, EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


@dataclass(frozen=True)
class PsiDetector(CategoricalDetector):
    fixed_threshold: float = EVIDENTLY_THRESHOLD
    name = NAME

    def statistic(self, reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
        return psi(reference_counts, current_counts)

    def fixed_rule(self, reference_counts: np.ndarray, current_counts: np.ndarray
                   ) -> tuple[float, bool, dict[str, Any]]:
        value = psi(reference_counts, current_counts)
        return self.fixed_threshold, value > self.fixed_threshold, {}
