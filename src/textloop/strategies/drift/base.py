"""What every drift detector returns, and the calibration they share.

A detector compares a reference sample (rows the model was built on, or judged on) with a
current window of production rows and answers with one number (``score``), the threshold
above which that number means drift, a p-value, and the current rows that drove the score.

Two decisions are reported side by side. ``fixed_drift`` applies the fixed threshold users
know from Evidently (a domain classifier's ROC AUC above 0.55, PSI above 0.1, ...). Such a
threshold ignores the window size: a 0.55 AUC is noise for 100 rows and a real shift for
100,000. ``drift`` is the calibrated decision: the score is compared with its own null
distribution, the scores of windows of the same size where nothing changed (permutations of
reference and current, or reference-vs-reference windows), so the false-alarm rate is the
``alpha`` a detector is given, whatever the window size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.stats import norm

from textloop.registry import REGISTRY

FAMILY = "drift"
DEFAULT_ALPHA = 0.05
DEFAULT_PERMUTATIONS = 199
DEFAULT_ROWS = 20


@dataclass(frozen=True)
class DriftResult:
    """One detector's answer. ``rows`` index the current window, most driving first."""

    detector: str
    score: float
    threshold: float
    p_value: float | None
    drift: bool
    fixed_threshold: float | None = None
    fixed_drift: bool | None = None
    rows: list[int] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    method: str = "permutation"

    def to_dict(self) -> dict[str, Any]:
        return {"detector": self.detector, "score": self.score,
                "threshold": finite(self.threshold), "p_value": self.p_value, "drift": self.drift,
                "fixed_threshold": self.fixed_threshold, "fixed_drift": self.fixed_drift,
                "rows": list(self.rows), "details": self.details, "method": self.method}


class Detector(Protocol):
    """``test(reference, current)``: both array-likes of the kind the detector reads."""

    def test(self, reference: Any, current: Any, *, seed: int = 0) -> DriftResult: ...


@dataclass(frozen=True)
class Calibrated:
    threshold: float
    p_value: float
    drift: bool


@dataclass(frozen=True)
class PermutationTested:
    """The settings of a detector calibrated by permutations, and the test itself."""

    alpha: float = DEFAULT_ALPHA
    permutations: int = DEFAULT_PERMUTATIONS
    max_reference: int = 5000
    rows: int = DEFAULT_ROWS

    def reference_rows(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """The seeded, bounded sample of the reference every permutation draws from."""
        return bounded(n, self.max_reference, rng)

    def permutation_test(self, statistic: Callable[[Any, Any], float], reference: Any,
                         current: Any, rng: np.random.Generator) -> tuple[float, Calibrated]:
        """(score, its verdict against ``permutations`` re-splits of the pooled rows)."""
        score = statistic(reference, current)
        null = permutation_null(statistic, reference, current, self.permutations, rng)
        return score, calibrate(score, null, self.alpha)


def calibrate(score: float, null: np.ndarray, alpha: float) -> Calibrated:
    """The score against null scores of unchanged windows: p = (1 + #null >= score) / (1 + B).

    The threshold is the smallest value a score must exceed to reach ``p <= alpha``: the
    (K+1)-th largest null score with K = floor(alpha (B+1)) - 1, so ``score > threshold``
    and ``p <= alpha`` are the same decision. With too few null scores no score can reach
    ``alpha`` and the threshold is infinite.
    """
    values = np.sort(np.asarray(null, dtype=np.float64))[::-1]
    p_value = float((1 + np.count_nonzero(values >= score)) / (1 + len(values)))
    allowed = int(np.floor(alpha * (len(values) + 1) + 1e-9)) - 1
    threshold = float(values[allowed]) if 0 <= allowed < len(values) else float("inf")
    return Calibrated(threshold, p_value, p_value <= alpha)


def decided(name: str, score: float, verdict: Calibrated, *,
            fixed: tuple[float, bool] | None = None, rows: Sequence[int] = (),
            details: dict[str, Any] | None = None, method: str = "permutation") -> DriftResult:
    """A detector's answer from its score, its calibrated verdict and Evidently's rule
    (``fixed``: threshold, decision)."""
    return DriftResult(detector=name, score=float(score), threshold=verdict.threshold,
                       p_value=verdict.p_value, drift=verdict.drift,
                       fixed_threshold=None if fixed is None else fixed[0],
                       fixed_drift=None if fixed is None else bool(fixed[1]),
                       rows=[int(i) for i in rows], details=details or {}, method=method)


def calibrate_normal(score: float, null: np.ndarray, alpha: float) -> Calibrated:
    """The score against a normal fitted to the null scores: threshold mean + z(1-alpha) sd.

    For a statistic that is close to normal under the null (an AUC is a Mann-Whitney U
    statistic), a few dozen unchanged windows then give thresholds for small ``alpha`` that
    an empirical quantile would need thousands of windows for.
    """
    values = np.asarray(null, dtype=np.float64)
    mean, sd = float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0
    sd = max(sd, 1e-9)
    p_value = float(norm.sf((score - mean) / sd))
    return Calibrated(mean + float(norm.isf(alpha)) * sd, p_value, p_value <= alpha)


def permutations_for(alpha: float, at_least: int) -> int:
    """Enough permutations for a p-value to reach ``alpha`` twice over (and ``at_least``)."""
    return max(at_least, int(np.ceil(2.0 / alpha)) - 1)


def permutation_null(statistic: Callable[[np.ndarray, np.ndarray], float], reference: np.ndarray,
                     current: np.ndarray, permutations: int, rng: np.random.Generator
                     ) -> np.ndarray:
    """The statistic on ``permutations`` random re-splits of the pooled rows into groups of
    the original sizes: what the score looks like when both samples share a distribution."""
    pooled = np.concatenate([reference, current])
    n = len(reference)
    out = np.empty(permutations, dtype=np.float64)
    for b in range(permutations):
        order = rng.permutation(len(pooled))
        out[b] = statistic(pooled[order[:n]], pooled[order[n:]])
    return out


def bounded(n: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of at most ``limit`` of ``n`` rows (all of them when n <= limit)."""
    if n <= limit:
        return np.arange(n)
    return np.sort(rng.choice(n, limit, replace=False))


def top_rows(values: Sequence[float] | np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` largest values, largest first (ties by index, so stable)."""
    array = np.asarray(values, dtype=np.float64)
    order = np.lexsort((np.arange(len(array)), -array))
    return [int(i) for i in order[:k]]


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two ECDFs."""
    a = np.sort(np.asarray(a, dtype=np.float64))
    b = np.sort(np.asarray(b, dtype=np.float64))
    points = np.concatenate([a, b])
    gap = (np.searchsorted(a, points, side="right") / len(a)
           - np.searchsorted(b, points, side="right") / len(b))
    return float(np.abs(gap).max())


def make_detector(name: str, **params: Any) -> tuple[str, Any]:
    """(full registry name, detector) for a short or full name, with ``params`` set."""
    full, cls = REGISTRY.resolve(FAMILY, name)
    return full, cls(**params)


def detector_names() -> list[str]:
    return REGISTRY.names(FAMILY)


def finite(value: float) -> float | None:
    """The value, or None for an infinite threshold (JSON has no infinity)."""
    return value if np.isfinite(value) else None
