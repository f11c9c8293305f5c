"""Span length drift: are production spans as long as the reference's?

Lengths in characters (code points) are compared with the two-sample KS test (Evidently's
fixed rule for a numeric column: p below 0.05), calibrated by permuting spans; the details
add the same in whitespace tokens and a histogram of both sides for the report. Longer spans
often mean a model swallowing context (a boundary problem); shorter ones, new entity forms
it only half recognizes. The driving rows are the texts of the longest spans when the mean
length rose, of the shortest when it fell.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any, ClassVar

import numpy as np

from textloop.strategies.drift.base import DriftResult
from textloop.strategies.drift.span_base import SpanDetector, SpanRows, flatten

NAME = "textloop.drift.span-length.v1"
EDGES = (1, 2, 3, 5, 8, 13, 21, 34)
"""Left edges of the character-length histogram (the last bin is open)."""


def length_histogram(reference: np.ndarray, current: np.ndarray) -> list[dict[str, Any]]:
    """Share of each side's spans per length bin, as the report draws them."""
    edges = [*EDGES, np.inf]
    out = []
    for low, high in pairwise(edges):
        name = f"{low}+" if high == np.inf else (f"{low}" if high == low + 1
                                                 else f"{low}-{int(high) - 1}")
        out.append({"bin": name,
                    "reference": float(((reference >= low) & (reference < high)).mean()),
                    "current": float(((current >= low) & (current < high)).mean())})
    return out


@dataclass(frozen=True)
class SpanLengthDetector(SpanDetector):
    name: ClassVar[str] = NAME

    def compare(self, ref_rows: SpanRows, current: SpanRows, rng: np.random.Generator,
                seed: int, known_strings: AbstractSet[str]) -> DriftResult:
        result, ref, cur = self.ks_over_spans("length", ref_rows, current, seed)
        details = {**result.details, "histogram": length_histogram(ref, cur),
                   "unit": "characters"}
        ref_tokens, _ = flatten(ref_rows).values("tokens")
        cur_tokens, _ = flatten(current).values("tokens")
        if len(ref_tokens) and len(cur_tokens):
            details["tokens"] = {"reference_mean": float(ref_tokens.mean()),
                                 "current_mean": float(cur_tokens.mean())}
        return replace(result, details=details)
