"""Span confidence drift: is the model as sure of the spans it finds in production?

The scores in the prediction log (after the bundle's per-type thresholds, as served) are
compared with the scores the same bundle gives the reference spans, by the KS test of the
confidence check (``confidence.v1``: calibrated by permuting spans, Evidently's rule p below
0.05). The details add the share of low-confidence spans (score below ``low``) on each side:
the spans a person should look at. Spans without a score (a model without confidences) are
left out; with none, the check has not enough data. The driving rows are the texts of the
least confident spans when the mean fell, of the most confident when it rose.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from textloop.strategies.drift.base import DriftResult
from textloop.strategies.drift.span_base import SpanDetector, SpanRows

NAME = "textloop.drift.span-confidence.v1"
LOW = 0.5


@dataclass(frozen=True)
class SpanConfidenceDetector(SpanDetector):
    name: ClassVar[str] = NAME
    low: float = LOW

    def compare(self, reference: SpanRows, current: SpanRows, rng: np.random.Generator,
                seed: int, known_strings: AbstractSet[str]) -> DriftResult:
        result, ref, cur = self.ks_over_spans("score", reference, current, seed)
        details = {**result.details, "low": self.low,
                   "reference_low_share": float(np.mean(ref < self.low)),
                   "current_low_share": float(np.mean(cur < self.low)),
                   "current_low_spans": int(np.sum(cur < self.low))}
        return replace(result, details=details)
