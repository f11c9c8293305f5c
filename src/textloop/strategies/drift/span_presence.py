"""Span presence drift: the share of texts with at least one span.

A model that suddenly finds nothing (a new kind of text, a broken tokenizer upstream) or
finds something everywhere shows here first. The score is the absolute difference of the
two shares, calibrated by permuting texts; Evidently's fixed rule is the two-proportion
z-test (its rule for a binary column) at p below 0.05. The driving rows are texts with the
most spans when the share rose, texts without spans when it fell.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.stats import norm

from textloop.strategies.drift.base import DriftResult, decided, top_rows
from textloop.strategies.drift.span_base import NotEnoughSpans, SpanDetector, SpanRows

NAME = "textloop.drift.span-presence.v1"


def share_gap(reference: np.ndarray, current: np.ndarray) -> float:
    return float(abs(current.mean() - reference.mean()))


def two_proportion_p(reference: np.ndarray, current: np.ndarray) -> float:
    """Two-sided p-value of the two-proportion z-test on 0/1 arrays."""
    pooled = (reference.sum() + current.sum()) / (len(reference) + len(current))
    spread = np.sqrt(pooled * (1 - pooled) * (1 / len(reference) + 1 / len(current)))
    if spread == 0:
        return 1.0
    return float(2 * norm.sf(abs(current.mean() - reference.mean()) / spread))


@dataclass(frozen=True)
class SpanPresenceDetector(SpanDetector):
    name: ClassVar[str] = NAME

    def compare(self, ref_rows: SpanRows, current: SpanRows, rng: np.random.Generator,
                seed: int, known_strings: AbstractSet[str]) -> DriftResult:
        if not ref_rows or not current:
            raise NotEnoughSpans("no texts on one side")
        ref = np.array([bool(row) for row in ref_rows], dtype=np.float64)
        cur = np.array([bool(row) for row in current], dtype=np.float64)
        score, verdict = self.permutation_test(share_gap, ref, cur, rng)
        p_fixed = two_proportion_p(ref, cur)
        counts = np.array([len(row) for row in current], dtype=np.float64)
        rose = cur.mean() >= ref.mean()
        driving = (top_rows(counts, min(self.rows, int(cur.sum()))) if rose
                   else [int(i) for i in np.flatnonzero(cur == 0)[: self.rows]])
        return decided(NAME, score, verdict,
                       fixed=(self.fixed_p_value, p_fixed < self.fixed_p_value), rows=driving,
                       details={"reference_share": float(ref.mean()),
                                "current_share": float(cur.mean()),
                                "change": float(cur.mean() - ref.mean()),
                                "z_test_p_value": p_fixed})
