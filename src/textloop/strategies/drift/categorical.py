"""Shared by the label/band distribution detectors (PSI, chi-square, Jensen-Shannon).

Each compares how often each category (a predicted label, an action band) occurs in the
reference and in the current window. The statistic differs; the rest is the same: categories
seen in either sample, a permutation null for the calibrated decision, and the driving rows,
which are the current rows of the categories that gained the most share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from textloop.strategies.drift.base import (
    DriftResult,
    PermutationTested,
    decided,
)

EPSILON = 1e-4
"""Evidently's floor for an empty category's share, so PSI and its logarithm stay finite."""
SHOWN_CATEGORIES = 20


@dataclass(frozen=True)
class Encoded:
    categories: list[str]
    reference: np.ndarray
    current: np.ndarray

    def counts(self, codes: np.ndarray) -> np.ndarray:
        return np.bincount(codes, minlength=len(self.categories)).astype(np.float64)


def encode(reference: Sequence[str], current: Sequence[str]) -> Encoded:
    """Integer codes over the categories of both samples (sorted, so stable)."""
    categories = sorted({str(v) for v in reference} | {str(v) for v in current})
    index = {c: i for i, c in enumerate(categories)}
    return Encoded(categories, np.array([index[str(v)] for v in reference], dtype=np.int64),
                   np.array([index[str(v)] for v in current], dtype=np.int64))


def shares(counts: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Counts as shares; with ``floor``, empty categories get that share (Evidently's rule)."""
    out = counts / max(counts.sum(), 1.0)
    return np.where(out == 0, floor, out) if floor else out


@dataclass(frozen=True)
class CategoricalDetector(PermutationTested):
    """What the label/band detectors share; each names its statistic and Evidently's rule."""

    name: ClassVar[str] = ""

    def statistic(self, reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
        raise NotImplementedError

    def fixed_rule(self, reference_counts: np.ndarray, current_counts: np.ndarray
                   ) -> tuple[float, bool, dict[str, Any]]:
        """(Evidently's threshold, its decision on the full samples, extra details)."""
        raise NotImplementedError

    def test(self, reference: Sequence[str], current: Sequence[str], *,
             seed: int = 0) -> DriftResult:
        """Score, permutation-calibrated decision and driving rows; Evidently's rule is
        applied to the full samples, the permutations to a bounded reference sample."""
        full = encode(reference, current)
        threshold, flag, extra = self.fixed_rule(full.counts(full.reference),
                                                 full.counts(full.current))
        rng = np.random.default_rng(seed)
        ref = np.asarray(reference, dtype=object)[self.reference_rows(len(reference), rng)]
        coded = encode(list(ref), current)

        def on_codes(a: np.ndarray, b: np.ndarray) -> float:
            return self.statistic(coded.counts(a), coded.counts(b))

        score, verdict = self.permutation_test(on_codes, coded.reference, coded.current, rng)
        return decided(self.name, score, verdict,
                       fixed=(threshold, flag), rows=gaining_rows(coded, self.rows),
                       details={"categories": share_table(coded), **extra})


def gaining_rows(coded: Encoded, k: int) -> list[int]:
    """Current rows of the categories whose share grew most, biggest gain first."""
    gain = shares(coded.counts(coded.current)) - shares(coded.counts(coded.reference))
    out: list[int] = []
    for category in np.argsort(-gain, kind="stable"):
        if gain[category] <= 0 or len(out) >= k:
            break
        out.extend(int(i) for i in np.flatnonzero(coded.current == category)[: k - len(out)])
    return out


def share_table(coded: Encoded) -> dict[str, dict[str, float]]:
    """Reference and current share of the categories that moved most."""
    ref = shares(coded.counts(coded.reference))
    cur = shares(coded.counts(coded.current))
    order = np.argsort(-np.abs(cur - ref), kind="stable")[:SHOWN_CATEGORIES]
    return {coded.categories[i]: {"reference": float(ref[i]), "current": float(cur[i])}
            for i in order}
