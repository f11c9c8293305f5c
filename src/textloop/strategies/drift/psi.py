"""Population stability index of a categorical column (predicted labels, action bands).

PSI = sum over categories of (current share - reference share) * ln(current / reference),
with empty shares floored at 0.0001 as Evidently does. Evidently flags PSI above 0.1; the
calibrated decision compares it with permutations of the same two samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textloop.registry import REGISTRY
from textloop.strategies.drift.base import DEFAULT_ALPHA, DEFAULT_PERMUTATIONS, DriftResult
from textloop.strategies.drift.categorical import EPSILON, categorical_test, encode, shares

NAME = "textloop.drift.label-psi.v1"
EVIDENTLY_THRESHOLD = 0.1


def psi(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    ref = shares(reference_counts, EPSILON)
    cur = shares(current_counts, EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


@REGISTRY.register(NAME)
@dataclass(frozen=True)
class PsiDetector:
    alpha: float = DEFAULT_ALPHA
    permutations: int = DEFAULT_PERMUTATIONS
    fixed_threshold: float = EVIDENTLY_THRESHOLD

    def test(self, reference: Sequence[str], current: Sequence[str], *,
             seed: int = 0) -> DriftResult:
        coded = encode(reference, current)
        full = psi(coded.counts(coded.reference), coded.counts(coded.current))
        return categorical_test(NAME, psi, reference, current, alpha=self.alpha,
                                permutations=self.permutations, seed=seed,
                                fixed=(self.fixed_threshold, full > self.fixed_threshold))
