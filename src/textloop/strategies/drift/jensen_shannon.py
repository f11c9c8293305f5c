"""Jensen-Shannon distance between two categorical distributions (labels, bands).

The square root of the Jensen-Shannon divergence with natural logarithms (scipy's
``jensenshannon``, as Evidently computes it): 0 for identical shares, at most sqrt(ln 2).
Evidently flags a distance above 0.1, its default for categorical columns over 1,000 rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import jensenshannon

from textloop.registry import REGISTRY
from textloop.strategies.drift.base import DEFAULT_ALPHA, DEFAULT_PERMUTATIONS, DriftResult
from textloop.strategies.drift.categorical import categorical_test, encode, shares

NAME = "textloop.drift.label-jensen-shannon.v1"
EVIDENTLY_THRESHOLD = 0.1


def js_distance(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    return float(jensenshannon(shares(reference_counts), shares(current_counts)))


@REGISTRY.register(NAME)
@dataclass(frozen=True)
class JensenShannonDetector:
    alpha: float = DEFAULT_ALPHA
    permutations: int = DEFAULT_PERMUTATIONS
    fixed_threshold: float = EVIDENTLY_THRESHOLD

    def test(self, reference: Sequence[str], current: Sequence[str], *,
             seed: int = 0) -> DriftResult:
        coded = encode(reference, current)
        full = js_distance(coded.counts(coded.reference), coded.counts(coded.current))
        return categorical_test(NAME, js_distance, reference, current, alpha=self.alpha,
                                permutations=self.permutations, seed=seed,
                                fixed=(self.fixed_threshold, full > self.fixed_threshold))
