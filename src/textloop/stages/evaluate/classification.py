"""``textloop evaluate`` for a classification project: metrics over calibrated probabilities,
calibration and band sections, error analysis (slices, fairness, robustness), the report and
the model card. ``compare_embedders`` adds the inference-optimisation table
(``stages/select/embedders.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.config import Project
from textloop.measures.metrics import compute_metrics, validate_inputs
from textloop.measures.probabilities import align_proba
from textloop.progress import Progress
from textloop.reports.evaluation import write_evaluation_report
from textloop.stages.evaluate.calibration_report import (
    band_section,
    bundle_actions,
    calibration_section,
)
from textloop.stages.evaluate.error_analysis import EvaluatedSplit, analyze_errors, split_provenance
from textloop.stages.evaluate.result import (
    EvaluateOptions,
    EvaluationResult,
    evaluate_split,
    record_evaluation,
    report_context,
)
from textloop.stages.release import ReleaseData
from textloop.stages.runs.loading import LoadedRun, model_inputs, run_and_split
from textloop.stages.select import embedders as embedder_comparison
from textloop.storage import Store
from textloop.tasks import ClassificationTask

LOGGED = ("accuracy", "macro_f1", "weighted_f1", "macro_precision", "macro_recall", "log_loss",
          "ece", "uncalibrated_ece")


@evaluate_split.register
def evaluate_classification(task: ClassificationTask, store: Store, project: Project,
                            run_ref: str, split: str, options: EvaluateOptions,
                            progress: Progress) -> EvaluationResult:
    """Predict the split, compute metrics, log them, write the report and model card."""
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
    if options.compare_embedders:  # the inference-optimisation table: embedders scored, timed
        metrics["inference"] = embedder_comparison.compare_embedders(
            store, loaded, part.texts, part.labels, data.labels, progress=progress)
    metrics.update(_error_analysis(loaded, project, data, split, proba, options, progress))
    goal = project.spec.goal
    folder = store.path_for("runs", run["name"], f"evaluation-{split}")
    folder.mkdir(parents=True, exist_ok=True)
    html, json_path = write_evaluation_report(
        folder, title=f"{run['name']} on {data.id}/{split}", metrics=metrics, y_true=part.labels,
        proba=proba, labels=data.labels, texts=part.texts, record_ids=part.ids,
        context=report_context(run, data.id, split, goal.model_dump()),
        training=loaded.meta.get("training"))
    return record_evaluation(store, project, run, split, metrics, LOGGED, html, json_path,
                             rows=len(part.ids))


def _error_analysis(loaded: LoadedRun, project: Project, data: ReleaseData, split: str,
                    proba: np.ndarray, options: EvaluateOptions,
                    progress: Progress) -> dict[str, Any]:
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

    return analyze_errors(project.spec, evaluated, score=score if options.probes else None,
                          progress=progress)
