"""How far labeling has come: labels so far, score, labels still needed, and when to stop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textloop.config import Project
from textloop.measures.learning_curve import estimate_labels_needed
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
    return LabelingProgress(
        labeled=labeled, goal_metric=goal.metric, goal_target=goal.target,
        score=points[-1][1] if points else None, labels_needed=estimate.labels_needed,
        more_labels=estimate.more_labels, estimate_reason=reason, stable=stable,
        stability=stability, rounds=len(history))
