"""The answer to "is there enough data?": one sentence and the numbers behind it.

The curve score(n) = a − b·n^(−c) is fitted to the cross-validated points with
``learning_curve`` (the same fit active learning uses for its labels-needed estimate) and
read at the label counts a user thinks in: the train split as it is (``current``), twice that,
and the count where it crosses the goal. Extrapolating further than ``MAX_FACTOR`` × the
current labels is refused, because the fit says little that far out; the curve's ceiling
``a`` is reported instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textloop.measures.learning_curve import estimate_labels_needed, fit_curve, power_law
from textloop.stages.select.sufficiency.curve import CurvePoint

MAX_FACTOR = 10.0

REACHED = "reached"
NEEDS_MORE = "needs_more"
BEYOND = "beyond_reach"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Sufficiency:
    """``status``: reached, needs_more, beyond_reach (flattens below the goal or only
    crosses it past 10×) or unknown (no curve could be fitted)."""

    metric: str
    target: float
    current: int
    measured: float
    measured_std: float
    measured_labels: int
    status: str
    sentence: str
    params: tuple[float, float, float] | None = None
    expected_at_double: float | None = None
    labels_needed: int | None = None
    more_labels: int | None = None
    ceiling: float | None = None


def answer(points: Sequence[CurvePoint], current: int, metric: str, target: float,
           model: str = "the model") -> Sufficiency:
    """Read the fitted curve at 2× ``current`` labels and at the goal."""
    last = max(points, key=lambda p: p.labels)
    pairs = [(p.labels, p.mean) for p in points]
    params = fit_curve(pairs)
    double = None if params is None else _at(params, 2 * current)
    status, needed, more, verdict = _goal(pairs, params, current, target, last)
    opening = (f"{model} reaches {metric} {last.mean:.3f} ± {last.std:.3f} with "
               f"{last.labels:,} labels")
    doubled = ("" if double is None else
               f" With 2× the labels ({2 * current:,}) expect about {double:.3f}.")
    sentence = f"{opening}.{doubled} Goal {metric} ≥ {target:g}: {verdict}"
    return Sufficiency(metric=metric, target=target, current=current, measured=last.mean,
                       measured_std=last.std, measured_labels=last.labels, status=status,
                       sentence=sentence, params=params, expected_at_double=double,
                       labels_needed=needed, more_labels=more,
                       ceiling=None if params is None else params[0])


def _goal(pairs: list[tuple[int, float]], params: tuple[float, float, float] | None,
          current: int, target: float, last: CurvePoint
          ) -> tuple[str, int | None, int | None, str]:
    """(status, labels needed, more labels, the sentence's verdict)."""
    if last.mean >= target:
        return REACHED, last.labels, 0, f"already reached with {last.labels:,} labels."
    if params is None:
        return UNKNOWN, None, None, ("no curve could be fitted to these points "
                                     "(too few or too irregular); try more --folds.")
    largest = max(n for n, _ in pairs)
    estimate = estimate_labels_needed(pairs, target, max_factor=MAX_FACTOR * current / largest)
    a = params[0]
    if estimate.labels_needed is None:
        reach = ("not reachable with more labels of the same kind"
                 if target >= a else f"not reachable within {MAX_FACTOR:g}× the labels "
                                     f"({MAX_FACTOR * current:,.0f})")
        return BEYOND, None, None, (f"{reach}: the curve flattens at {a:.4f}. Try a stronger "
                                    "model, cleaner labels or a clearer guideline.")
    needed = estimate.labels_needed
    if needed <= current:
        return REACHED, needed, 0, (f"expected to be reached with the current {current:,} "
                                    f"labels (the curve crosses {target:g} at about "
                                    f"{_about(needed)}).")
    return NEEDS_MORE, needed, needed - current, (
        f"about {_about(needed)} labels needed, {_about(needed - current)} more than the "
        f"{current:,} now (the curve flattens at {a:.4f}).")


def _at(params: tuple[float, float, float], labels: float) -> float:
    return float(power_law(np.array(float(labels)), *params))


def _about(count: int) -> str:
    """A count rounded to two significant digits: an extrapolation is not exact."""
    if count < 100:
        return f"{count:,}"
    digits = math.floor(math.log10(count)) - 1
    return f"{round(count, -digits):,}"
