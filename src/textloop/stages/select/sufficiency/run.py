"""``textloop learning-curve``: is there enough data for the goal?

Trains the model on growing fractions of a release's train split (cross-validated, see
``curve.py``), fits the learning curve and answers with a sentence (``answer.py``), a JSON
file and a figure under ``.textloop/learning-curves/RELEASE-MODEL/``. A later call for the
same release and model replaces them: the release is immutable, so only the settings (folds,
fractions, seed, goal) can differ, and the JSON records those.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from textloop import __version__
from textloop.config import Project
from textloop.measures.learning_curve import power_law
from textloop.progress import NULL_PROGRESS, Progress
from textloop.reports.sufficiency import SufficiencyFigure, write_sufficiency_figure
from textloop.stages.release import load_release
from textloop.stages.runs.loading import model_inputs
from textloop.stages.select.cross_validate import build_estimator, stratified_folds
from textloop.stages.select.sufficiency.answer import Sufficiency, answer
from textloop.stages.select.sufficiency.curve import FRACTIONS, CurvePoint, measure_curve
from textloop.storage import Store
from textloop.tasks import require_verb
from textloop.types import Jsonable


@dataclass
class SufficiencyResult(Jsonable):
    model: str
    release_id: str
    folds: int
    points: list[CurvePoint]
    answer: Sufficiency
    json_path: Path
    svg_path: Path
    png_path: Path
    seconds: float


def data_sufficiency(store: Store, project: Project, *, model: str = "tfidf-lr",
                     release: str = "latest", folds: int = 5,
                     fractions: tuple[float, ...] = FRACTIONS,
                     params: dict[str, Any] | None = None, seed: int = 0,
                     progress: Progress = NULL_PROGRESS) -> SufficiencyResult:
    """Measure the curve on the train split, answer for the goal, write JSON and figures."""
    require_verb(project, "learning-curve")
    started = time.perf_counter()
    data = load_release(store, release)
    full_name, estimator = build_estimator(project, model, params)
    short = full_name.split(".")[2]
    split = data.splits["train"]
    folds_rows = stratified_folds(split.labels, folds, seed)
    x = model_inputs(estimator, split.texts, store, progress)
    goal = project.spec.goal
    points = measure_curve(estimator, x, split.labels, data.labels, folds_rows, goal.metric,
                           fractions, seed, progress, project.spec.actions.score_labels)
    result = answer(points, len(split.labels), goal.metric, goal.target,
                    model=f"{short} ({folds}-fold CV on {data.id})")
    folder = store.path_for("learning-curves", f"{data.id}-{short}")
    folder.mkdir(parents=True, exist_ok=True)
    svg, png = write_sufficiency_figure(folder, _figure(points, result, f"{short} on {data.id}"))
    json_path = folder / "learning-curve.json"
    settings = {"model": full_name, "params": estimator.get_params(), "release": data.id,
                "split": "train", "folds": folds, "fractions": list(fractions), "seed": seed,
                "goal": goal.model_dump(), "textloop_version": __version__}
    body = {"settings": settings, "points": [asdict(p) for p in points], "answer": asdict(result)}
    json_path.write_text(json.dumps(body, indent=2, default=str) + "\n", encoding="utf-8")
    return SufficiencyResult(full_name, data.id, folds, points, result, json_path, svg, png,
                             time.perf_counter() - started)


def _figure(points: list[CurvePoint], result: Sufficiency, title: str) -> SufficiencyFigure:
    """The plain numbers the figure draws, with the fitted curve sampled on a log grid."""
    curve: list[tuple[float, float]] = []
    if result.params is not None:
        right = max(2 * result.current, result.labels_needed or 0) * 1.1
        grid = np.geomspace(min(p.labels for p in points), right, 120)
        curve = list(zip(grid.tolist(), power_law(grid, *result.params).tolist(), strict=True))
    return SufficiencyFigure(title=title, metric=result.metric, target=result.target,
                             current=result.current,
                             points=[(p.labels, p.mean, p.std) for p in points], curve=curve,
                             at_double=result.expected_at_double,
                             needed=result.labels_needed)
