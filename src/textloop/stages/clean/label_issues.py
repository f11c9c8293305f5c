"""Label issues from out-of-fold probabilities: the chosen method and cleanlab's baseline.

Both read the same out-of-fold probabilities, so the report can say how far the chosen
method's flags differ from cleanlab's defaults. The estimated label error rate of a class
is the share of records carrying that label that the method flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from textloop.errors import InvalidInputError
from textloop.executors import Executor
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.inputs import CleanInputs
from textloop.stages.clean.label_precision import flag_precision, per_class_estimates
from textloop.stages.clean.neighbours import neighbour_label_proba
from textloop.stages.clean.oof import out_of_fold_proba
from textloop.stages.clean.options import CleanOptions
from textloop.stages.clean.result import Finding, LabelSummary
from textloop.stages.clean.tuned_view import is_tuned, tuned_view
from textloop.strategies.cleaning import LabelIssueInput, LabelIssues, get_method


@dataclass(frozen=True)
class LabelOutcome:
    summary: LabelSummary
    findings: list[Finding]
    issues: LabelIssues | None = None
    """The method's issues over classes (None for span projects, flagged per token)."""
    baseline: LabelIssues | None = None
    warnings: list[str] = field(default_factory=list)


def find_label_issues(data: CleanInputs, options: CleanOptions,
                      neighbour_index: np.ndarray | None,
                      progress: Progress = NULL_PROGRESS, *,
                      executor: Executor | None = None) -> LabelOutcome:
    """Out-of-fold probabilities of every view, then the method and the baseline.

    The folds of each view run on ``executor`` (default: this process); a fine-tuned view
    always runs here, where its progress bar and its accelerator are."""
    names, views, notes = [], [], []
    for model in options.class_models():
        if is_tuned(model):
            tuned = tuned_view(model, data.texts, data.labels, data.classes,
                               folds=options.folds, tuned_folds=options.tuned_folds,
                               budget_minutes=options.budget_minutes, seed=options.seed,
                               language=data.language, progress=progress)
            notes += [tuned.warning] if tuned.warning else []
            name, proba = tuned.name, tuned.proba
        else:
            name, proba = out_of_fold_proba(model, data.texts, data.embeddings, data.labels,
                                            data.classes, folds=options.folds,
                                            seed=options.seed, language=data.language,
                                            executor=executor, progress=progress)
        if proba is not None:
            names.append(name)
            views.append(proba)
    if not views:
        raise InvalidInputError(
            "no view is left to find label issues: " + "; ".join(notes),
            hint="raise --budget-minutes, or add a cheaper view such as --model embed-lr")
    knn = (None if neighbour_index is None
           else neighbour_label_proba(neighbour_index, data.y, len(data.classes)))
    given = LabelIssueInput(labels=data.y, views=views, neighbour_proba=knn)
    method_name, method = get_method(options.method)
    with progress.task("Finding label issues"):
        proposed = method.find(given)
        baseline = get_method("cleanlab")[1].find(given)
        judged = flag_precision(proposed, data.y, data.ids, options.min_precision)
    issues = judged.issues
    per_class = per_class_rates(data.y, issues.flagged, data.classes)
    for label, rates in per_class_estimates(judged.estimates, data.classes).items():
        per_class[label].update(rates)
    summary = LabelSummary(
        method=method_name, models=names, flagged=_ids(data.ids, issues.flagged),
        baseline_flagged=_ids(data.ids, baseline.flagged), per_class=per_class,
        quality=issues.quality.round(4).tolist(), is_flagged=issues.flagged.tolist(),
        details={**_weights(names, knn is not None, issues.weights),
                 "precision": judged.details})
    found = _findings(data, issues, baseline, judged.estimates.error_probability)
    return LabelOutcome(summary, found, issues, baseline, [*notes, *judged.warnings])


def _weights(names: list[str], neighbours: bool, weights: list[float] | None
             ) -> dict[str, dict[str, float]]:
    """The weight each view (and the neighbour labels) got, where the method reports it."""
    if weights is None:
        return {}
    parts = [*names, "neighbours"] if neighbours and len(weights) > len(names) else names
    return {"view_weights": dict(zip(parts, weights, strict=True))}


def per_class_rates(y: np.ndarray, flagged: np.ndarray, classes: Sequence[str]
                    ) -> dict[str, dict[str, float | int]]:
    """label -> records, flagged records and their share (the estimated error rate)."""
    out: dict[str, dict[str, float | int]] = {}
    for c, label in enumerate(classes):
        n = int(np.sum(y == c))
        hit = int(np.sum(flagged[y == c]))
        out[label] = {"n": n, "flagged": hit, "rate": hit / n if n else 0.0}
    return out


def _ids(ids: list[str], mask: np.ndarray) -> list[str]:
    return [ids[i] for i in np.flatnonzero(mask)]


def _findings(data: CleanInputs, issues: LabelIssues, baseline: LabelIssues,
              error_probability: np.ndarray) -> list[Finding]:
    suggested = issues.proba.argmax(axis=1)
    out = []
    for i in np.flatnonzero(issues.flagged):
        out.append(Finding(data.records[i].id, "label_issue", float(issues.quality[i]), {
            "given": data.classes[data.y[i]], "suggested": data.classes[suggested[i]],
            "confidence": round(float(issues.proba[i, suggested[i]]), 4),
            "error_probability": round(float(error_probability[i]), 4),
            "label_kind": data.records[i].label_kind,
            "baseline_flagged": bool(baseline.flagged[i])}))
    return sorted(out, key=lambda f: f.score if f.score is not None else 0.0)
