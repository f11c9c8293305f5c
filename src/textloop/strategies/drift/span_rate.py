"""Span rate drift: does production get as many spans of each type per text as the
reference?

Each text gives a count per span type. The statistic is the chi-square of the rate
differences, summed over types: for type t with reference and production counts R_t and
C_t over N_r and N_c texts, ``(C_t/N_c - R_t/N_r)^2 / (p_t (1/N_r + 1/N_c))`` with the
pooled rate ``p_t = (R_t + C_t) / (N_r + N_c)`` (the two-sample Poisson rate test, one term
per type, like the label chi-square of prediction drift). Evidently's fixed rule for a
categorical column, p below 0.05, is applied to its asymptotic chi-square p-value (one
degree of freedom per type); the decision is calibrated by permuting texts between the two
sides. The driving rows are the texts holding the most spans of the types whose rate rose
most; when every type fell, the texts without the type that fell most.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.stats import chi2

from textloop.strategies.drift.base import DriftResult, decided
from textloop.strategies.drift.span_base import NotEnoughSpans, SpanDetector, SpanRows

NAME = "textloop.drift.span-rate.v1"


def type_counts(rows: SpanRows, types: Sequence[str]) -> np.ndarray:
    """[texts, types]: how many spans of each type each text has."""
    index = {t: j for j, t in enumerate(types)}
    out = np.zeros((len(rows), len(types)), dtype=np.float64)
    for i, row in enumerate(rows):
        for hit in row:
            out[i, index[hit.label]] += 1
    return out


def rate_terms(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Per type, the signed z of the rate difference (0 for a type neither side has)."""
    n_r, n_c = len(reference), len(current)
    r, c = reference.sum(axis=0), current.sum(axis=0)
    pooled = (r + c) / (n_r + n_c)
    spread = np.sqrt(pooled * (1.0 / n_r + 1.0 / n_c))
    gap = c / n_c - r / n_r
    return np.divide(gap, spread, out=np.zeros_like(gap), where=spread > 0)


def rate_chi_square(reference: np.ndarray, current: np.ndarray) -> float:
    return float((rate_terms(reference, current) ** 2).sum())


@dataclass(frozen=True)
class SpanRateDetector(SpanDetector):
    name: ClassVar[str] = NAME

    def compare(self, ref_rows: SpanRows, current: SpanRows, rng: np.random.Generator,
                seed: int, known_strings: AbstractSet[str]) -> DriftResult:
        types = sorted({hit.label for row in [*ref_rows, *current] for hit in row})
        if not types or not ref_rows or not current:
            raise NotEnoughSpans("no spans on either side to compare rates of")
        ref, cur = type_counts(ref_rows, types), type_counts(current, types)
        score, verdict = self.permutation_test(rate_chi_square, ref, cur, rng)
        z = rate_terms(ref, cur)
        p_fixed = float(chi2.sf(score, len(types)))
        table = {t: {"reference_rate": float(ref[:, j].mean()),
                     "current_rate": float(cur[:, j].mean()),
                     "reference_spans": int(ref[:, j].sum()),
                     "current_spans": int(cur[:, j].sum()), "z": float(z[j])}
                 for j, t in enumerate(types)}
        return decided(NAME, score, verdict, fixed=(self.fixed_p_value,
                                                    p_fixed < self.fixed_p_value),
                       rows=_driving(cur, z, self.rows),
                       details={"types": table, "asymptotic_p_value": p_fixed,
                                "spans_per_text": {"reference": float(ref.sum(axis=1).mean()),
                                                   "current": float(cur.sum(axis=1).mean())}})


def _driving(current: np.ndarray, z: np.ndarray, k: int) -> list[int]:
    """Texts with the most spans of each type that rose (largest z first); when none rose,
    the texts without the type that fell most."""
    out: list[int] = []
    for j in np.argsort(-z, kind="stable"):
        if z[j] <= 0 or len(out) >= k:
            break
        holding = np.flatnonzero(current[:, j] > 0)
        ranked = holding[np.argsort(-current[holding, j], kind="stable")]
        out += [int(i) for i in ranked if int(i) not in out][: k - len(out)]
    if not out and len(z):
        fell = int(np.argmin(z))
        out = [int(i) for i in np.flatnonzero(current[:, fell] == 0)[:k]]
    return out

