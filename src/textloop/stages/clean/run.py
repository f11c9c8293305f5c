"""``textloop clean``: find label issues, duplicates, conflicts, outliers, bad texts, personal
data and leakage among the labeled records; store the findings and write the report.

Each detector is its own module; this one runs them in order, collects their findings,
catalogs the run in the store (``storage/findings.py``: what a review queue reads) and
writes ``report.html`` and ``findings.json`` under ``.textloop/cleanings/cN/``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import singledispatch
from typing import Any

import numpy as np

from textloop import __version__
from textloop.config import Project
from textloop.executors import Executor, executor_scope
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.duplicate_findings import (
    cluster_rows,
    duplicate_findings,
    match_counts,
)
from textloop.stages.clean.duplicates import clusters, find_links
from textloop.stages.clean.evidence import with_neighbours
from textloop.stages.clean.inputs import CleanInputs, load_inputs
from textloop.stages.clean.label_issues import LabelOutcome, find_label_issues
from textloop.stages.clean.label_precision import check_min_precision
from textloop.stages.clean.leakage import find_leakage
from textloop.stages.clean.neighbours import Neighbours, scan
from textloop.stages.clean.oof import check_folds
from textloop.stages.clean.options import CleanOptions
from textloop.stages.clean.outliers import knn_distance, outlier_mask, text_problem
from textloop.stages.clean.pii_findings import find_personal_data
from textloop.stages.clean.redact import redacted_release
from textloop.stages.clean.result import CleanResult, Finding
from textloop.stages.clean.span_labels import check_span_inputs, find_span_issues
from textloop.stages.clean.tuned_view import check_tuned_views
from textloop.stages.review.actions import carry_over
from textloop.storage import Store, findings
from textloop.tasks import SpanTask, Task, require_verb, task_for

CLEANINGS = "cleanings"


def clean(store: Store, project: Project, options: CleanOptions | None = None, *,
          redact: bool = False, executor: Executor | str | None = None,
          progress: Progress = NULL_PROGRESS) -> CleanResult:
    """Run every detector over the labeled records; see the module docstring.

    ``redact`` also writes a new release with personal data replaced by placeholders (only
    when some was found). ``executor`` (an ``Executor``, or ``local``/``ray``; default: the
    project's ``execution:`` settings) runs the embedding of texts missing from the cache,
    the cross-validation folds of the label-error views and the near-duplicates' MinHash
    shards; the findings are the same on every engine for the same seed.
    """
    require_verb(project, "clean")
    with executor_scope(executor, project.spec.execution) as engine:
        return _clean(store, project, options or CleanOptions(), redact, engine, progress)


def _clean(store: Store, project: Project, options: CleanOptions, redact: bool,
           executor: Executor, progress: Progress) -> CleanResult:
    if options.min_precision is None:
        options = replace(options, min_precision=project.spec.clean.min_precision)
    check_min_precision(options.min_precision)
    task = task_for(project)
    data = load_inputs(store, project, embed=options.use_embeddings, progress=progress,
                       executor=executor)
    check_labels(task, data, project, options)
    near = None if data.embeddings is None else scan(
        data.embeddings, options.neighbours, options.semantic_threshold, progress=progress)
    labels = label_errors(task, store, project, data, options,
                          None if near is None else near.index, progress, executor)
    language = project.spec.language
    rows, dup_findings, dup_counts = _duplicates(data, near, options, progress, language,
                                                 executor)
    outliers, outlier_findings = _outliers(data, near)
    problems, problem_findings = _text_problems(data, options.max_chars)
    pii, pii_findings = find_personal_data(data.ids, data.texts, progress,
                                           project.spec.clean.pii.expected)
    leakage, leak_findings = find_leakage(store, options, progress, language)
    result = CleanResult(
        cleaning_id="", n_records=len(data.records), classes=list(labels.summary.per_class),
        config=_config(options, labels.summary.models, labels.summary.method),
        labels=labels.summary, clusters=rows, duplicate_counts=dup_counts, outliers=outliers,
        text_problems=problems, pii=pii, leakage=leakage,
        findings=with_neighbours([*labels.findings, *dup_findings, *outlier_findings,
                                  *problem_findings, *pii_findings, *leak_findings],
                                 data.ids, data.texts, near),
        warnings=labels.warnings)
    if redact and pii_findings:
        info, _ = redacted_release(store, project, progress=progress)
        result.redacted_release = info.id
    elif redact:
        result.warnings.append("no personal data found, so no redacted release was written")
    _save(store, result, data)
    return result


@singledispatch
def check_labels(task: Task, data: CleanInputs, project: Project,
                 options: CleanOptions) -> None:
    """Refuse, before anything is embedded, labels the task's label-error step cannot
    cross-validate (classes: at least two, and records for every fold)."""
    check_folds(data.labels, options.folds)
    check_tuned_views(options.class_models())


@check_labels.register
def _(task: SpanTask, data: CleanInputs, project: Project, options: CleanOptions) -> None:
    check_span_inputs(data, project, options)


@singledispatch
def label_errors(task: Task, store: Store, project: Project, data: CleanInputs,
                 options: CleanOptions, neighbour_index: np.ndarray | None,
                 progress: Progress, executor: Executor) -> LabelOutcome:
    """The task's label errors: out-of-fold class probabilities and the chosen method."""
    found = find_label_issues(data, options, neighbour_index, progress, executor=executor)
    return replace(found, warnings=[*found.warnings, *_warnings(data, options)])


@label_errors.register
def _(task: SpanTask, store: Store, project: Project, data: CleanInputs,
      options: CleanOptions, neighbour_index: np.ndarray | None,
      progress: Progress, executor: Executor) -> LabelOutcome:
    """Span label errors from out-of-fold token probabilities (``span_labels.py``); their
    folds run in this process, sharing one memo of token vectors across folds."""
    found = find_span_issues(store, project, data, options, progress)
    return LabelOutcome(found.summary, found.findings, warnings=found.warnings)


def _duplicates(data: CleanInputs, near: Neighbours | None, options: CleanOptions,
                progress: Progress, language: str | None, executor: Executor
                ) -> tuple[list[dict[str, Any]], list[Finding], dict[str, int]]:
    semantic = None if near is None else (near.pairs, near.pair_similarity)
    links = find_links(data.texts, near_threshold=options.near_threshold, semantic=semantic,
                       progress=progress, language=language, executor=executor)
    groups = clusters(len(data.records), links)
    rows = cluster_rows(groups, data.ids, data.texts, data.labels)
    return rows, duplicate_findings(groups, rows, links, data.ids), match_counts(links)


def _outliers(data: CleanInputs, near: Neighbours | None
              ) -> tuple[dict[str, Any], list[Finding]]:
    if near is None:
        return {"checked": False, "flagged": 0}, []
    distance = knn_distance(near.similarity)
    mask, cut = outlier_mask(distance)
    found = [Finding(data.ids[i], "outlier", round(float(distance[i]), 4), {
        "cutoff": round(cut, 4), "nearest": data.ids[int(near.index[i, 0])],
        "nearest_similarity": round(float(near.similarity[i, 0]), 4)})
        for i in np.flatnonzero(mask)]
    found.sort(key=lambda f: -(f.score or 0.0))
    return {"checked": True, "flagged": len(found), "cutoff": cut,
            "k": int(near.index.shape[1]), "distance": distance.round(4).tolist()}, found


def _text_problems(data: CleanInputs, max_chars: int) -> tuple[dict[str, int], list[Finding]]:
    counts = {"empty": 0, "garbage": 0, "overlong": 0}
    found = []
    for record in data.records:
        problem = text_problem(record.text, max_chars)
        if problem is not None:
            kind, reason = problem
            counts[kind] += 1
            found.append(Finding(record.id, kind, None, {"reason": reason}))
    return counts, found


def _warnings(data: CleanInputs, options: CleanOptions) -> list[str]:
    counts = np.bincount(data.y, minlength=len(data.classes))
    return [f"label {label!r} has {n} records, fewer than the {options.folds} folds: some "
            "folds train without it, so its records tend to be flagged"
            for label, n in zip(data.classes, counts.tolist(), strict=True)
            if n < options.folds]


def _config(options: CleanOptions, models: list[str], method: str) -> dict[str, Any]:
    return {**options.to_dict(), "models": models, "method": method,
            "textloop_version": __version__}


def _save(store: Store, result: CleanResult, data: CleanInputs) -> None:
    """Catalog the run and its findings, then write the report into its folder."""
    from textloop.reports.cleaning import write_cleaning_report

    rows = [f.to_dict() for f in result.findings]
    with store.write() as conn:
        result.carried = carry_over(conn, rows)
        run = findings.add(conn, config=result.config, summary=result.summary(), rows=rows)
    result.cleaning_id = run["id"]
    relative = f"{CLEANINGS}/{run['id']}"
    texts = dict(zip(data.ids, data.texts, strict=True))
    result.report_html, result.report_json = write_cleaning_report(
        store.path_for(relative), result, texts)
    with store.write() as conn:
        findings.set_report_path(conn, run["id"], relative)
