"""How many labels each strategy saves: the numbers behind the savings table and the verdict.

Per seed, a strategy "reaches" a level (95% or 98% of that seed's full-data macro-F1, or
entity micro-F1 for span files) at the
first label count whose score is at or above it. The table shows the median over seeds, a
seed that never got there counting as infinitely many labels, so a median that is not
reached reads "not reached" (within the budget). Ratios compare with random sampling's median
(random labels / strategy labels: 2.0 means half the labels). The area under the learning
curve, divided by the label range, is the mean macro-F1 over the session; its difference to
random's is taken per seed (same seed, same first batch) and then the median.

A curve has *plateaued* from the first label count after which its score stays within
``PLATEAU_TOLERANCE`` (2%) of the full-data score to the end of the session; the plateau is
*early* when it comes within the first ``EARLY_SHARE`` (a quarter) of the budget. Random
sampling reaching 95% that early means no strategy has many labels left to save: the
measured case of balanced sets with a frozen encoder (ag_news 1.14×), which the verdict
then says in so many words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textloop.stages.simulate.loop import Curve, Point, SpanPoint

LEVELS = (0.95, 0.98)
BASELINE = "random"
PLATEAU_TOLERANCE = 0.02
"""A score within 2% of the full-data score (0.98 × it) counts as on the plateau."""
EARLY_SHARE = 0.25
"""A plateau (or random's 95%) within the first quarter of the budget is early."""
WORTHWHILE = 1.5
"""A ratio to random below this is "little saved": within what seeds alone move it."""


@dataclass(frozen=True)
class Reach:
    level: float
    labels: int | None
    """Median labels over seeds; None when the median seed did not reach the level."""
    seeds_reached: int
    ratio: float | None = None
    """Random's labels / these labels; None when either is unknown (see ``ratio_at_least``)."""
    ratio_at_least: float | None = None
    """When random did not reach the level within the budget: budget / these labels."""


@dataclass(frozen=True)
class SavingsRow:
    strategy: str
    reaches: tuple[Reach, ...]
    auc: float
    """Median normalized area under the macro-F1 learning curve."""
    auc_vs_random: float | None
    """Median over seeds of (this AUC − random's AUC); None for random itself."""
    stop_at: int | None
    """Median labels at which the stabilizing-predictions signal fired (None: mostly never)."""
    plateau_at: int | None = None
    """Median over seeds of the first label count from which the score stays within
    ``PLATEAU_TOLERANCE`` of the full-data score to the end (None: not on the median seed)."""
    plateau_early: bool = False
    """``plateau_at`` lies within the first ``EARLY_SHARE`` of the budget."""

    def reach(self, level: float) -> Reach:
        return next(r for r in self.reaches if r.level == level)


def labels_to_reach(points: Sequence[Point | SpanPoint], threshold: float) -> int | None:
    return next((p.labels for p in points if p.score >= threshold), None)


def plateau_from(points: Sequence[Point | SpanPoint], threshold: float) -> int | None:
    """The first label count from which every later score is at or above ``threshold``
    (None when the last point is below it)."""
    first = None
    for point in reversed(points):
        if point.score < threshold:
            break
        first = point.labels
    return first


def is_early(labels: int | None, budget: int) -> bool:
    """``labels`` lie within the first ``EARLY_SHARE`` of the budget."""
    return labels is not None and labels <= EARLY_SHARE * budget


def normalized_auc(points: Sequence[Point | SpanPoint]) -> float:
    """Trapezoid area under the score (macro-F1, or entity F1 for spans) over labels, divided
    by the label range."""
    n = np.array([p.labels for p in points], dtype=float)
    f1 = np.array([p.score for p in points])
    if n.shape[0] < 2 or n[-1] == n[0]:
        return float(f1.mean())
    return float(np.trapezoid(f1, n) / (n[-1] - n[0]))


def median_or_none(values: Sequence[int | None]) -> int | None:
    """Median with None as +infinity; None when the median itself is infinite (or there
    are no values)."""
    if not values:
        return None
    data = [math.inf if v is None else float(v) for v in values]
    middle = float(np.median(data))
    return None if math.isinf(middle) else math.ceil(middle)


def savings_rows(curves: dict[str, list[Curve]], reference: dict[int, float],
                 budget: int) -> list[SavingsRow]:
    """One row per strategy (in the given order); ``reference`` is full-data F1 per seed."""
    base = {c.seed: c for c in curves.get(BASELINE, [])}
    base_reach = {level: _median_reach(curves.get(BASELINE, []), reference, level)
                  for level in LEVELS}
    rows = []
    for name, runs in curves.items():
        reaches = tuple(_with_ratio(level, runs, reference, base_reach[level], budget,
                                    compared=bool(base))
                        for level in LEVELS)
        diffs = [normalized_auc(c.points) - normalized_auc(base[c.seed].points)
                 for c in runs if c.seed in base]
        plateau = median_or_none([plateau_from(c.points, (1.0 - PLATEAU_TOLERANCE)
                                               * reference[c.seed]) for c in runs])
        rows.append(SavingsRow(
            name, reaches, float(np.median([normalized_auc(c.points) for c in runs])),
            None if name == BASELINE or not diffs else float(np.median(diffs)),
            median_or_none([c.stop_at for c in runs]), plateau, is_early(plateau, budget)))
    return rows


def _median_reach(runs: Sequence[Curve], reference: dict[int, float],
                  level: float) -> int | None:
    return median_or_none([labels_to_reach(c.points, level * reference[c.seed]) for c in runs])


def _with_ratio(level: float, runs: Sequence[Curve], reference: dict[int, float],
                base: int | None, budget: int, compared: bool = True) -> Reach:
    """``compared``: random ran (else there is no ratio to give)."""
    seeds = [labels_to_reach(c.points, level * reference[c.seed]) for c in runs]
    labels = median_or_none(seeds)
    reached = sum(s is not None for s in seeds)
    if labels is None or not compared:
        return Reach(level, labels, reached)
    if base is None:
        return Reach(level, labels, reached, ratio_at_least=budget / labels)
    return Reach(level, labels, reached, ratio=base / labels)


def verdict(rows: Sequence[SavingsRow], reference_f1: float, budget: int,
            metric: str = "macro-F1") -> str:
    """One line: the strategy needing the fewest labels for 95% against random, and, when
    random sampling itself gets there early, that active learning will save little."""
    head = _best_sentence(rows, reference_f1, budget, metric)
    early = _early_sentence(rows, budget, metric)
    return f"{head} {early}" if early else head


def _early_sentence(rows: Sequence[SavingsRow], budget: int, metric: str) -> str:
    """Random reaching 95% within the first quarter of the budget leaves little to save at
    that level; said with its plateau (if early) and any real saving toward 98%."""
    base = next((r for r in rows if r.strategy == BASELINE), None)
    level = LEVELS[0]
    labels = None if base is None else base.reach(level).labels
    if base is None or labels is None or not is_early(labels, budget):
        return ""
    sentence = (f"Random sampling reaches {level:.0%} at {labels:,} labels"
                f" ({labels / budget:.0%} of the budget)")
    if base.plateau_early and base.plateau_at is not None:
        sentence += (f" and stays within {PLATEAU_TOLERANCE:.0%} of the full-data {metric} "
                     f"from {base.plateau_at:,} on")
    sentence += ": active learning will save little here"
    top = LEVELS[-1]
    gains = [(r.reach(top).ratio or r.reach(top).ratio_at_least or 0.0, r) for r in rows
             if r.strategy != BASELINE]
    ratio, best = max(gains, key=lambda g: g[0], default=(0.0, None))
    if best is not None and ratio >= WORTHWHILE:
        at_least = "at least " if best.reach(top).ratio is None else ""
        sentence += (f", except toward {top:.0%} ({best.strategy}: "
                     f"{best.reach(top).labels:,} labels, {at_least}{ratio:.1f}× fewer)")
    return sentence + "."


def _best_sentence(rows: Sequence[SavingsRow], reference_f1: float, budget: int,
                   metric: str) -> str:
    """The strategy needing the fewest labels for 95%, against random."""
    level = LEVELS[0]
    threshold = level * reference_f1
    contenders = [r for r in rows if r.strategy != BASELINE] or list(rows)
    best = min(contenders, key=lambda r: (r.reach(level).labels or math.inf, -r.auc))
    reach = best.reach(level)
    goal = f"{level:.0%} of the full-data {metric} ({threshold:.3f})"
    if reach.labels is None:
        return (f"No strategy reached {goal} within {budget:,} labels; the best area under the "
                f"learning curve was {best.strategy}'s ({best.auc:.3f}).")
    head = f"{best.strategy} reached {goal} with {reach.labels:,} labels"
    if best.strategy == BASELINE:
        return f"{head}."
    if reach.ratio is not None:
        base = round(reach.ratio * reach.labels)
        if reach.ratio >= 1.0:
            return f"{head}, {reach.ratio:.1f}× fewer than random sampling ({base:,})."
        return f"{head}; random sampling needed fewer ({base:,})."
    if reach.ratio_at_least is not None:
        return (f"{head}; random sampling did not reach it within {budget:,} labels "
                f"(at least {reach.ratio_at_least:.1f}× more).")
    return f"{head}."
