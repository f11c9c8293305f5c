"""Train the same model with and without some extra rows, and compare scores on test.

Each arm is fitted once per seed on the release's train split (the extra rows appended for
the "with" arm) and scored on the test split; a model trained by epochs stops early on the
real validation split, as ``textloop train`` does. Per seed the two arms differ only in the
extra rows, so the per-class and macro F1 deltas are paired, and their medians over seeds
are reported. A model without a ``seed`` or ``random_state`` parameter fits the same way
every time, so it is fitted once per arm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone

from textloop.config import Project
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.select.folds import take
from textloop.stages.train.monitoring import fit_monitored

SEED_PARAMS = ("seed", "random_state")


@dataclass(frozen=True)
class Inputs:
    """Model inputs (texts or embeddings) with their labels."""

    x: Any
    y: list[str]

    def __len__(self) -> int:
        return len(self.y)

    def plus(self, other: Inputs) -> Inputs:
        if not len(other):
            return self
        if not len(self):
            return other
        if isinstance(self.x, np.ndarray):
            return Inputs(np.vstack([self.x, other.x]), self.y + other.y)
        return Inputs(list(self.x) + list(other.x), self.y + other.y)

    def take(self, rows: np.ndarray) -> Inputs:
        """The rows at these indices, in their order."""
        return Inputs(take(self.x, rows), [self.y[i] for i in rows])


@dataclass
class Comparison:
    """Medians over seeds: each arm's F1 per class and macro, and the paired deltas."""

    seeds: list[int]
    per_class: dict[str, dict[str, float | None]] = field(default_factory=dict)
    macro_f1: dict[str, float] = field(default_factory=dict)
    """The headline score's arms and delta: macro-F1, or what ``metric`` names."""
    metric: str = "macro_f1"
    """The headline score: ``macro_f1`` for classes, ``entity_micro_f1`` for spans."""

    @property
    def metric_name(self) -> str:
        """The headline as a reason names it."""
        return "macro-F1" if self.metric == "macro_f1" else self.metric


def seeds_to_run(estimator: Any, seeds: int) -> list[int]:
    """``0..seeds-1``, or just ``[0]`` for a model that has no seed to vary."""
    return list(range(seeds)) if _seed_param(estimator) else [0]


def _seed_param(estimator: Any) -> str | None:
    params = estimator.get_params()
    return next((name for name in SEED_PARAMS if name in params), None)


def compare(estimator: Any, project: Project, train: Inputs, extra: Inputs,
            validation: Inputs | None, test: Inputs, labels: Sequence[str], seeds: int,
            progress: Progress = NULL_PROGRESS) -> Comparison:
    """Fit ``train`` and ``train + extra`` per seed; F1 on ``test`` (see the module doc)."""
    runs = seeds_to_run(estimator, seeds)
    scores: dict[str, list[dict[str, Any]]] = {"without": [], "with": []}
    with progress.task(f"Training with and without the batch ({len(runs)} seeds)",
                       total=2 * len(runs)) as task:
        for seed in runs:
            for arm, rows in (("without", train), ("with", train.plus(extra))):
                model = fit_arm(seeded(estimator, seed), project, rows, validation)
                proba = align_proba(model.predict_proba(test.x), list(model.classes_), labels)
                scores[arm].append(compute_metrics(test.y, proba, labels))
                task.advance()
    return summarise(runs, scores, labels)


def seeded(estimator: Any, seed: int) -> Any:
    model = clone(estimator)
    name = _seed_param(model)
    if name is not None:
        model.set_params(**{name: seed})
    return model


def fit_arm(model: Any, project: Project, rows: Inputs, validation: Inputs | None) -> Any:
    if model_tags(model).iterative:
        held = None if validation is None or not len(validation) else (validation.x,
                                                                      validation.y)
        fit_monitored(model, rows.x, rows.y, held, project.spec.training, project.spec.goal)
        return model
    return model.fit(rows.x, rows.y)


def summarise(seeds: list[int], scores: dict[str, list[dict[str, Any]]],
               labels: Sequence[str]) -> Comparison:
    out = Comparison(seeds)
    for label in labels:
        arms = {arm: [m["per_class"].get(label, {}).get("f1") for m in runs]
                for arm, runs in scores.items()}
        out.per_class[label] = _medians(arms["without"], arms["with"])
    macro = _medians([m["macro_f1"] for m in scores["without"]],
                     [m["macro_f1"] for m in scores["with"]])
    out.macro_f1 = {key: float(value) for key, value in macro.items() if value is not None}
    return out


def _medians(without: list[float | None], with_: list[float | None]
             ) -> dict[str, float | None]:
    """Median of each arm and of the paired deltas, over seeds where both are defined."""
    pairs = [(a, b) for a, b in zip(without, with_, strict=True)
             if a is not None and b is not None]
    if not pairs:
        return {"without": None, "with": None, "delta": None}
    a, b = np.array(pairs).T
    return {"without": round(float(np.median(a)), 6), "with": round(float(np.median(b)), 6),
            "delta": round(float(np.median(b - a)), 6)}
