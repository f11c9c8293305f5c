"""Action-band thresholds chosen on validation data to meet declared targets.

``actions.targets`` in ``textloop.yaml`` says what a band must achieve, e.g. "auto-block
only at precision >= 0.95" and "block + review together catch 98% of spam". Bands are
taken from the highest declared threshold down; each target counts the rows at or above
the band's threshold (the band plus every band above it):

- ``precision``: the lowest threshold whose rows reach the precision, so the band takes
  as much traffic as the target allows. When no threshold reaches it, the band is closed
  (it never fires) and the reason is reported: acting on an unmet precision target is
  what the target forbids.
- ``recall``: the highest threshold that still catches that share of the positives, so
  the band takes as little traffic as the target allows.

A band's threshold never exceeds the one above it; a band without a target keeps its
declared threshold. Every band is reported with its expected volume (share of traffic),
precision and recall on the data the thresholds were chosen on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textloop.config import Actions, BandTarget


@dataclass
class Curve:
    """For every distinct score (descending): rows and positives at or above it."""

    thresholds: np.ndarray
    rows: np.ndarray
    positives: np.ndarray
    total_positives: int

    @property
    def precision(self) -> np.ndarray:
        return self.positives / self.rows

    @property
    def recall(self) -> np.ndarray:
        return self.positives / max(self.total_positives, 1)


@dataclass
class BandPolicy:
    """The fitted policy (what predict applies) and the table that explains it."""

    actions: Actions
    bands: list[dict[str, Any]]
    unmet: list[str] = field(default_factory=list)

    def to_json(self, positive: str) -> dict[str, Any]:
        return {"positive": positive, "bands": self.bands, "unmet": self.unmet}


def score_curve(scores: np.ndarray, positive: np.ndarray) -> Curve:
    """The curve of ``scores``; empty (no thresholds) when there are no rows."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ordered = np.asarray(scores, dtype=np.float64)[order]
    hits = np.cumsum(np.asarray(positive, dtype=bool)[order])
    last = np.flatnonzero(np.append(ordered[1:] != ordered[:-1], len(ordered) > 0))
    return Curve(ordered[last], last + 1, hits[last], int(hits[-1]) if len(hits) else 0)


def lowest_for_precision(curve: Curve, target: float, ceiling: float) -> float | None:
    """The lowest threshold (at most ``ceiling``) whose rows reach ``target`` precision."""
    ok = (curve.precision >= target) & (curve.thresholds <= ceiling)
    return float(curve.thresholds[ok].min()) if ok.any() else None


def highest_for_recall(curve: Curve, target: float, ceiling: float) -> float | None:
    """The highest threshold (at most ``ceiling``) that catches ``target`` of the positives."""
    if curve.total_positives == 0:
        return None
    at_or_above = int(np.sum(curve.thresholds >= ceiling))
    if at_or_above and curve.recall[at_or_above - 1] >= target:
        return ceiling  # the bands above already catch enough: this one stays empty
    ok = (curve.recall >= target) & (curve.thresholds < ceiling)
    return float(curve.thresholds[ok].max()) if ok.any() else None


def choose_thresholds(scores: np.ndarray, positive: np.ndarray,
                      actions: Actions) -> tuple[dict[str, float], list[str]]:
    """band -> threshold meeting ``actions.targets`` (closed bands left out), and why any
    target was not met."""
    curve = score_curve(scores, positive)
    chosen: dict[str, float] = {}
    unmet: list[str] = []
    ceiling = 1.0
    for band, declared in sorted(actions.bands.items(), key=lambda kv: -kv[1]):
        target = actions.targets.get(band)
        threshold = (min(declared, ceiling) if target is None
                     else _meet(curve, band, target, ceiling, declared, unmet))
        if threshold is not None:
            chosen[band] = threshold
            ceiling = threshold
    return chosen, unmet


def _meet(curve: Curve, band: str, target: BandTarget, ceiling: float, declared: float,
          unmet: list[str]) -> float | None:
    if target.precision is not None:
        found = lowest_for_precision(curve, target.precision, ceiling)
        if found is None:
            best = float(curve.precision[curve.thresholds <= ceiling].max(initial=0.0))
            unmet.append(f"band {band!r}: no threshold reaches precision {target.precision:g} "
                         f"on validation (best {best:.3f}); the band is closed")
        return found
    assert target.recall is not None
    found = highest_for_recall(curve, target.recall, ceiling)
    if found is None:
        kept = min(declared, ceiling)
        unmet.append(f"band {band!r}: recall {target.recall:g} cannot be measured: the "
                     f"validation split has no positive rows; keeping the declared {kept:g}")
        return kept
    return found


def band_table(scores: np.ndarray, positive: np.ndarray, actions: Actions,
               targets: dict[str, BandTarget] | None = None) -> list[dict[str, Any]]:
    """Per band (highest first, then the default): threshold, rows, volume, precision and
    recall within the band, and precision/recall of the band plus the bands above it."""
    s = np.asarray(scores, dtype=np.float64)
    pos = np.asarray(positive, dtype=bool)
    n, total = len(s), int(pos.sum())
    rows = []
    above = np.zeros(n, dtype=bool)
    ordered = sorted(actions.bands.items(), key=lambda kv: -kv[1])
    for band, threshold in [*ordered, (actions.default, None)]:
        member = ~above if threshold is None else (s >= threshold) & ~above
        reached = above | member
        rows.append({"band": band, "threshold": threshold, "rows": int(member.sum()),
                     "volume": _share(int(member.sum()), n),
                     "precision": _share(int(pos[member].sum()), int(member.sum())),
                     "recall": _share(int(pos[member].sum()), total),
                     "cumulative_precision": _share(int(pos[reached].sum()),
                                                    int(reached.sum())),
                     "cumulative_recall": _share(int(pos[reached].sum()), total),
                     "target": _target_json((targets or {}).get(band))})
        above = reached
    return rows


def fit_band_policy(scores: np.ndarray, positive: np.ndarray, declared: Actions) -> BandPolicy:
    """Thresholds for the declared targets, the policy predict applies, and its table."""
    chosen, unmet = choose_thresholds(scores, positive, declared)
    policy = Actions(bands=chosen, default=declared.default,
                     score_labels=list(declared.score_labels))
    table = band_table(scores, positive, policy, declared.targets)
    for row in table:
        target = declared.targets.get(row["band"])
        row["met"] = None if target is None else _met(row, target)
    closed = [{"band": band, "threshold": None, "rows": 0, "volume": 0.0, "precision": None,
               "recall": None, "cumulative_precision": None, "cumulative_recall": None,
               "target": _target_json(declared.targets.get(band)), "met": False,
               "closed": True} for band in declared.bands if band not in chosen]
    return BandPolicy(policy, table[:-1] + closed + table[-1:], unmet)


def scores_and_positives(proba: np.ndarray, y_idx: np.ndarray, labels: Sequence[str],
                         actions: Actions) -> tuple[np.ndarray, np.ndarray]:
    """The score each row is banded by and whether the row counts as a positive."""
    probs = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y_idx)
    if actions.score_labels:
        columns = [i for i, label in enumerate(labels) if label in actions.score_labels]
        return probs[:, columns].sum(axis=1), np.isin(y, columns)
    return probs.max(axis=1), probs.argmax(axis=1) == y


def positive_meaning(actions: Actions) -> str:
    if actions.score_labels:
        return f"true label in {', '.join(actions.score_labels)}"
    return "the predicted label is correct"


def _met(row: dict[str, Any], target: BandTarget) -> bool:
    if target.precision is not None:
        value = row["cumulative_precision"]
        return value is not None and value >= target.precision
    value = row["cumulative_recall"]
    return value is not None and target.recall is not None and value >= target.recall


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _target_json(target: BandTarget | None) -> dict[str, float] | None:
    return None if target is None else target.model_dump(exclude_none=True)
