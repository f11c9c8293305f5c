"""Jensen-Shannon distance between two categorical distributions (labels, bands).

The square root of the Jensen-Shannon divergence with natural logarithms (scipy's
``jensenshannon``, as Evidently computes it): 0 for identical shares, at most sqrt(ln 2).
Evidently flags a distance above 0.1, its default for categorical columns over 1,000 rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial.distance import jensenshannon

from textloop.strategies.drift.categorical import CategoricalDetector, shares

NAME = "textloop.drift.label-jensen-shannon.v1"
EVIDENTLY_THRESHOLD = 0.1


def js_distance(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    return float(jensenshannon(shares(reference_counts), shares(current_counts)))


@dataclass(frozen=True)
class JensenShannonDetector(CategoricalDetector):
    fixed_threshold: float = EVIDENTLY_THRESHOLD
    name = NAME

    def statistic(self, reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
        return js_distance(reference_counts, current_counts)

    def fixed_rule(self, reference_counts: np.ndarray, current_counts: np.ndarray
                   ) -> tuple[float, bool, dict[str, Any]]:
        value = js_distance(reference_counts, current_counts)
        return self.fixed_threshold, value > self.fixed_threshold, {}
