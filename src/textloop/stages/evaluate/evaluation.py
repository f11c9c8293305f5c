"""``textloop evaluate RUN``: score a trained run on a release split and write its report.

The report folder also gets the run's model card (``model_card.md``/``.html``).
``compare_embedders`` adds the inference-optimisation table (``embedder_comparison.py``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from textloop import __version__
from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.metrics import compute_metrics, validate_inputs
from textloop.progress import NULL_PROGRESS, Progress
from textloop.reports.evaluation import write_evaluation_report
from textloop.stages.evaluate.calibration_report import (
    band_section,
    bundle_actions,
    calibration_section,
)
from textloop.stages.evaluate.error_analysis import EvaluatedSplit, analyze_errors, split_provenance
from textloop.stages.evaluate.model_card import write_model_card
from textloop.stages.evaluate.regression import evaluate_regression
from textloop.stages.release import ReleaseData
from textloop.stages.runs.loading import LoadedRun, align_proba, model_inputs, run_and_split
from textloop.stages.select import embedders as embedder_comparison
from textloop.storage import Store, runs

SPLITS = ("test", "validation", "train")
LOGGED = ("accuracy", "macro_f1", "weighted_f1", "macro_precision", "macro_recall", "log_loss",
          "ece", "uncalibrated_ece")


@dataclass
class EvaluationResult:
    run_name: str
    split: str
    metrics: dict[str, Any]
    report_html: Path
    metrics_json: Path
    goal_met: bool | None
    model_card: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop evaluate --json`` prints: the metrics and where the files are."""
        return {"run_name": self.run_name, "split": self.split, "goal_met": self.goal_met,
                "metrics": self.metrics, "report_html": str(self.report_html),
                "metrics_json": str(self.metrics_json),
                "model_card": None if self.model_card is None else str(self.model_card)}


def evaluate_run(store: Store, project: Project, run_ref: str, *, split: str = "test",
                 compare_embedders: bool = False,
                 probes: bool = True, progress: Progress = NULL_PROGRESS) -> EvaluationResult:
    """Predict the split with the run's model, compute metrics, log them, write the report.

    ``probes=False`` skips the robustness probes (the slower part of the error analysis).
    """
    if split not in SPLITS:
        raise InvalidInputError(f"unknown split {split!r}", hint=f"use one of {', '.join(SPLITS)}")
    if project.spec.task == "regression":
        return EvaluationResult(split=split, **evaluate_regression(store, project, run_ref, split,
                                                                   _context, progress))
    loaded, data = run_and_split(store, run_ref, split)
    run, part = loaded.run, data.splits[split]
    x = model_inputs(loaded.model, part.texts, store, progress)
    with progress.task(f"Scoring {len(part.texts):,} {split} rows", total=None):
        model_proba = loaded.model.predict_proba(x)
    classes = list(loaded.model.classes_)
    raw = align_proba(model_proba, classes, data.labels)
    proba = align_proba(loaded.calibrated(model_proba), classes, data.labels)
    score_labels = bundle_actions(loaded).score_labels
    metrics = compute_metrics(part.labels, proba, data.labels,  # as predict serves them
                              score_labels)
    _, y_idx = validate_inputs(part.labels, proba, data.labels)
    metrics["calibration"] = calibration_section(loaded, raw, proba, y_idx, data.labels)
    metrics["ece"] = metrics["calibration"]["ece_after"]
    metrics["uncalibrated_ece"] = metrics["calibration"]["ece_before"]
    metrics["bands"] = band_section(loaded, proba, y_idx, data.labels)
    if compare_embedders:  # the inference-optimisation table: each embedder, scored and timed
        metrics["inference"] = embedder_comparison.compare_embedders(
            store, loaded, part.texts, part.labels, data.labels, progress=progress)
    metrics.update(_error_analysis(loaded, project, data, split, proba, probes, progress))
    goal = project.spec.goal
    achieved = metrics.get(goal.metric)
    goal_met = None if achieved is None else bool(achieved >= goal.target)
    folder = store.path_for("runs", run["name"], f"evaluation-{split}")
    folder.mkdir(parents=True, exist_ok=True)
    html, json_path = write_evaluation_report(
        folder, title=f"{run['name']} on {data.id}/{split}", metrics=metrics, y_true=part.labels,
        proba=proba, labels=data.labels, texts=part.texts, record_ids=part.ids,
        context=_context(run, data.id, split, goal.model_dump()),
        training=loaded.meta.get("training"))
    with store.write() as conn:
        runs.log_metrics(conn, run["id"], {f"{split}/{k}": metrics[k] for k in LOGGED
                                           if metrics.get(k) is not None})
    card = write_model_card(store, project, run, split, metrics)
    return EvaluationResult(run["name"], split, metrics, html, json_path, goal_met, card)


def _error_analysis(loaded: LoadedRun, project: Project, data: ReleaseData, split: str,
                    proba: np.ndarray, probes: bool, progress: Progress) -> dict[str, Any]:
    """Slices, fairness and (unless ``probes`` is off) robustness, scored like the split."""
    part = data.splits[split]
    sources = (split_provenance(data, split)
               if any(s.source is not None for s in project.spec.slices) else None)
    evaluated = EvaluatedSplit(texts=part.texts, y_true=part.labels, metas=part.meta,
                               proba=proba, labels=data.labels, sources=sources,
                               score_labels=bundle_actions(loaded).score_labels)

    def score(texts: list[str]) -> np.ndarray:
        model_proba = loaded.model.predict_proba(model_inputs(loaded.model, texts, None))
        return align_proba(loaded.calibrated(model_proba), list(loaded.model.classes_),
                           data.labels)

    return analyze_errors(project.spec, evaluated, score=score if probes else None,
                          progress=progress)


def _context(run: dict[str, Any], release_id: str, split: str, goal: dict[str, Any]
             ) -> dict[str, Any]:
    return {"run": run["name"], "run_id": run["id"], "model": run["model"],
            "release": release_id, "split": split, "goal": goal,
            "created": time.strftime("%Y-%m-%d %H:%M:%S"), "textloop_version": __version__}
