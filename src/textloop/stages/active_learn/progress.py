"""How far labeling has come: labels so far, score, labels still needed, and when to stop.

It also says when the learning curve has flattened (``measures.learning_curve.flattened_at``:
doubling the labels would add under a point to the fitted score). From there on the order
in which records are labeled hardly matters: ``textloop simulate-al`` measured random
sampling within 2% of the full-data score after 125-200 labels on balanced sets with a
frozen encoder, where active learning saved nothing. Saying so keeps the panel from
implying savings that will not come.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textloop.config import Project
from textloop.measures.learning_curve import (
    FLAT_GAIN,
    estimate_labels_needed,
    fit_curve,
    flattened_at,
)
from textloop.storage import Store, annotation_log, rounds
from textloop.strategies.stopping import THRESHOLD, WINDOW
from textloop.types import Jsonable


@dataclass(frozen=True)
class LabelingProgress(Jsonable):
    labeled: int
    """Records people have answered or decided, ties waiting for adjudication included: a
    count that dropped when an annotator's answer made a tie would tell them that someone
    else answered the record differently (overlap is blind)."""
    goal_metric: str
    goal_target: float
    score: float | None
    """The latest cross-validated goal metric (None before the first refresh)."""
    labels_needed: int | None
    more_labels: int | None
    estimate_reason: str
    stable: bool
    stability: float | None
    rounds: int
    flattened_at: int | None = None
    """Labels from which the fitted learning curve gains less than ``FLAT_GAIN`` per doubling
    (None while it cannot be fitted)."""
    flat: bool = False
    """The latest round's labels are at or past ``flattened_at``."""
    flat_note: str = ""
    """What a flat curve means for the user (empty while the curve is rising or unknown)."""

    @property
    def fraction(self) -> float:
        """Share of the estimated labels needed already given (0..1; unknown -> by score)."""
        if self.labels_needed:
            return min(1.0, self.labeled / self.labels_needed)
        if self.score is not None and self.goal_target:
            return min(1.0, self.score / self.goal_target)
        return 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "fraction": self.fraction}


def labeling_progress(store: Store, project: Project) -> LabelingProgress:
    goal = project.spec.goal
    with store.read() as conn:
        labeled = len({row[0] for row in annotation_log.human_votes(conn)})
        history = rounds.all_rounds(conn)
    points = [(r["n_labels"], r["score"]) for r in history if r["score"] is not None]
    estimate = estimate_labels_needed(points, goal.target)
    kappas = [r["stability"] for r in history if r["stability"] is not None]
    stability = sum(kappas[-WINDOW:]) / len(kappas[-WINDOW:]) if kappas else None
    stable = len(kappas) >= WINDOW and stability is not None and stability >= THRESHOLD
    if estimate.labels_needed is not None:
        needed = estimate.labels_needed
        reason = f"{goal.metric} {goal.target:g} expected at about {needed:,} labels"
    else:
        reason = estimate.reason or "no estimate yet"
    flat_from, flat, note = _flatness(points, goal.metric)
    return LabelingProgress(
        labeled=labeled, goal_metric=goal.metric, goal_target=goal.target,
        score=points[-1][1] if points else None, labels_needed=estimate.labels_needed,
        more_labels=estimate.more_labels, estimate_reason=reason, stable=stable,
        stability=stability, rounds=len(history), flattened_at=flat_from, flat=flat,
        flat_note=note)


def _flatness(points: list[tuple[int, float]], metric: str) -> tuple[int | None, bool, str]:
    """(flattened_at, flat, note) from the rounds' (labels, score) points."""
    params = fit_curve(points)
    if params is None:
        return None, False, ""
    flat_from = flattened_at(params)
    current = max(n for n, _ in points)
    if current < flat_from:
        return flat_from, False, ""
    return flat_from, True, (
        f"the learning curve has flattened (from about {flat_from:,} labels, doubling the "
        f"labels adds under {FLAT_GAIN:g} {metric}, levelling off near {params[0]:.3f}): "
        "random sampling is as good as active learning from here, so expect little saving "
        "from the queue's order; a stronger model, clearer guidelines or cleaner labels move "
        "the score more than more labels of the same kind")
