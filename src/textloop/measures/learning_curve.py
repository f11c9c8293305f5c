"""How many more labels the goal needs, extrapolated from the learning curve so far.

Test scores of a classifier against the number of training labels follow an inverse power
law closely over the range active learning cares about: score(n) = a − b·n^(−c), where ``a``
is the score the curve levels off at (Figueroa et al. 2012; Hestness et al. 2017). Fitting
it to the (labels, score) points measured so far and solving for the target gives an
estimate of the labels needed, and ``a`` says whether the target is reachable at all with
more labels of the same kind. Later points weigh more: a score measured with many labels
varies less from one labeled sample to the next.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

MIN_POINTS = 4
MAX_FACTOR = 100.0
"""An extrapolation beyond 100× the current labels is not an estimate any more."""
FLAT_GAIN = 0.01
"""A curve has flattened where doubling the labels adds less than this to the fitted score
(one point of macro-F1): from there on no choice of records, active or random, buys much,
which is what ``textloop simulate-al`` measured on balanced sets with a frozen encoder
(random sampling within 2% of the full-data score after 125-200 labels)."""


@dataclass(frozen=True)
class LabelEstimate:
    """The answer: ``labels_needed`` in all (None with a ``reason`` when it cannot be told).

    ``more_labels`` is ``labels_needed − current_labels`` (0 once the target is met).
    ``asymptote`` and ``score_at_double`` (the expected score with twice the current labels)
    come from the fitted curve and are set whenever the fit succeeded.
    """

    target: float
    current_labels: int
    labels_needed: int | None = None
    more_labels: int | None = None
    asymptote: float | None = None
    score_at_double: float | None = None
    params: tuple[float, float, float] | None = None
    """Fitted (a, b, c) of score(n) = a − b·n^(−c), with n in labels."""
    reason: str | None = None


def power_law(n: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    """score(n) = a − b·n^(−c)."""
    return a - b * np.power(n, -c)


def estimate_labels_needed(points: Sequence[tuple[int, float]], target: float,
                           max_factor: float = MAX_FACTOR) -> LabelEstimate:
    """Labels needed to reach ``target`` from (labels, score) points; see the module docstring."""
    pts = sorted((int(n), float(s)) for n, s in points if n > 0)
    current = pts[-1][0] if pts else 0
    if pts and pts[-1][1] >= target:
        return LabelEstimate(target, current, current, 0, reason=None)
    distinct = len({n for n, _ in pts})
    if distinct < MIN_POINTS:
        return LabelEstimate(target, current, reason=(
            f"the estimate needs scores at {MIN_POINTS} different label counts to fit a "
            f"learning curve ({distinct} so far); it appears as training rounds add up"))
    params = _fit(np.array([n for n, _ in pts], float), np.array([s for _, s in pts]))
    if params is None:
        return LabelEstimate(target, current, reason="the learning curve could not be fitted "
                             "(scores too irregular); label another batch and ask again")
    return _extrapolate(params, target, current, max_factor)


def fit_curve(points: Sequence[tuple[int, float]]) -> tuple[float, float, float] | None:
    """(a, b, c) of the curve through (labels, score) points, with n in labels; None with
    scores at fewer than ``MIN_POINTS`` label counts or when the fit fails. For drawing the
    curve and reading it at other label counts, whether or not a target is met."""
    pts = sorted((int(n), float(s)) for n, s in points if n > 0)
    if len({n for n, _ in pts}) < MIN_POINTS:
        return None
    return _fit(np.array([n for n, _ in pts], float), np.array([s for _, s in pts]))


def flattened_at(params: tuple[float, float, float], gain: float = FLAT_GAIN) -> int:
    """The label count from which doubling the labels adds less than ``gain`` to the fitted
    score(n) = a − b·n^(−c).

    Doubling from n adds b·n^(−c)·(1 − 2^(−c)), which falls below ``gain`` from
    n = (b·(1 − 2^(−c)) / gain)^(1/c) on. At least 1; a curve so shallow that this lies
    beyond 10^12 labels gives 10^12 (worked in logarithms, so it never overflows).
    """
    _, b, c = params
    step = b * (1.0 - 2.0 ** -c)
    if step <= gain:
        return 1
    log_n = (math.log(step) - math.log(gain)) / c
    return max(1, math.ceil(math.exp(min(log_n, math.log(1e12)))))


def _fit(n: np.ndarray, score: np.ndarray) -> tuple[float, float, float] | None:
    """(a, b, c) in labels, or None. Fitted on n / max(n) so the three scales stay comparable."""
    scale = n.max()
    x = n / scale
    top = float(score.max())
    a0 = min(1.0, top + 0.05)
    b0 = max(a0 - float(score[0]), 1e-3) * float(x[0]) ** 0.5
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            (a, b, c), _ = curve_fit(power_law, x, score, p0=(a0, b0, 0.5),
                                     sigma=1.0 / np.sqrt(n), bounds=([0.0, 0.0, 1e-3],
                                                                     [1.0, np.inf, 3.0]),
                                     maxfev=5000)
    except (RuntimeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (a, b, c)):
        return None
    return float(a), float(b * scale**c), float(c)


def _extrapolate(params: tuple[float, float, float], target: float, current: int,
                 max_factor: float) -> LabelEstimate:
    a, b, c = params
    fitted = LabelEstimate(target, current, asymptote=a, params=params,
                           score_at_double=float(power_law(np.array(2.0 * current), a, b, c)))
    if target >= a or b <= 0.0:
        return replace(fitted, reason=(
            f"the learning curve levels off at about {a:.3f}, not above the target {target:.3f}: "
            "more labels of the same kind are unlikely to reach it (try a stronger model, "
            "cleaner labels or a clearer guideline)"))
    needed = (b / (a - target)) ** (1.0 / c)
    if needed > max_factor * current:
        return replace(fitted, reason=(
            f"the fitted curve reaches {target:.3f} only beyond {max_factor:g}× the current "
            f"{current:,} labels, too far to extrapolate; label more and ask again"))
    total = max(current, math.ceil(needed))
    return replace(fitted, labels_needed=total, more_labels=total - current)
