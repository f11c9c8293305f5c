"""``textloop monitor``: a window of production traffic against the served model's release.

The flow: find the served version (alias or number) and its run and release; read the
window of the prediction log; predict the reference sample with the same bundle; embed both
sides (through the store's cache) when the log keeps texts; run every enabled check the
project's task monitors (``Task.monitored_reads``: a span project gets the span checks and
realized entity F1 instead of the label, band and confidence checks) on the whole window and
on each text slice; attach the driving rows and their nearest training examples to each
alert; store the run, its checks and alert rows; write the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from textloop import __version__
from textloop.config import Project
from textloop.config.monitoring import detector_reads
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.monitor.alert_rules import Firing, fire_alerts
from textloop.stages.monitor.alerts import TEXT_CHARS, Alert, build_alerts
from textloop.stages.monitor.checks import detectors_for, drift_checks, run_checks
from textloop.stages.monitor.reference import Reference, embed, embedder_name, load_reference
from textloop.stages.monitor.sides import ALL, DRIFT, NOT_ENOUGH, OK, Check, Comparison, Side
from textloop.stages.monitor.slices import mask_for, slice_masks, text_slices
from textloop.stages.monitor.window import Served, Window, read_window, served_version
from textloop.stages.runs.loading import LoadedRun, load_run
from textloop.storage import Store, monitoring
from textloop.tasks import Task, require_verb, task_for

MONITOR_DIR = "monitor"


@dataclass(frozen=True)
class MonitorOptions:
    model: str = "champion"
    window: int | None = None
    since: float | None = None
    until: float | None = None
    reference_split: str | None = None
    seed: int = 0


@dataclass
class MonitorResult:
    report_id: str
    status: str
    served: Served
    reference: dict[str, Any]
    window: dict[str, Any]
    checks: list[Check]
    alerts: list[Alert]
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    report_html: Path | None = None
    report_json: Path | None = None
    fired: list[Firing] = field(default_factory=list)
    """The alert rules that matched this report, with their webhook outcomes."""

    def to_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "status": self.status,
                "model": {"version": self.served.version, "run": self.served.run_name,
                          "release": self.served.release_id},
                "reference": self.reference, "window": self.window,
                "checks": [c.to_dict() for c in self.checks],
                "alerts": [a.to_dict() for a in self.alerts], "notes": self.notes,
                "settings": self.settings, "fired": [f.to_dict() for f in self.fired],
                "textloop_version": __version__}


def monitor(store: Store, project: Project, options: MonitorOptions = MonitorOptions(),
            progress: Progress = NULL_PROGRESS) -> MonitorResult:
    """Run every enabled check on a window of the prediction log; store and report it."""
    require_verb(project, "monitor")
    task = task_for(project)
    settings = project.spec.monitoring
    served = served_version(store, options.model)
    loaded = load_run(store, served.run_id)
    labels = [str(c) for c in loaded.model.classes_]
    window = read_window(store, served, labels, last=options.window or settings.window,
                         since=options.since, until=options.until)
    reference = load_reference(store, loaded, served.release_id,
                               options.reference_split or settings.reference_split,
                               settings.max_reference, options.seed, progress,
                               language=project.spec.language, task=task)
    current, ref_side = _sides(store, loaded, window, reference, project, task, progress)
    comparisons, notes = _comparisons(project, current, ref_side, reference, labels,
                                      _expected(project, loaded, task))
    family = len(comparisons) * drift_checks(settings, task)
    checks = [check for comparison, _ in comparisons
              for check in run_checks(comparison, settings, options.seed, family, task)]
    positions = {comparison.slice: where for comparison, where in comparisons}
    for check in checks:
        name_examples(check, positions[check.slice], window.rows)
    alerts = build_alerts(checks, positions, window.rows, current.vectors, reference.pool,
                          settings.alert_rows, settings.neighbours)
    result = MonitorResult(
        report_id="", status=overall_status(checks), served=served,
        reference={"release": reference.release_id, "split": reference.split,
                   "rows": len(reference.sample), "pool_rows": len(reference.pool)},
        window=_window_facts(window), checks=checks, alerts=alerts,
        notes=notes + _log_notes(window), settings=settings.model_dump())
    _save(store, result)
    result.fired = fire_alerts(store, project, result.report_id)
    return result


def overall_status(checks: Sequence[Check]) -> str:
    """drift when any check drifts; not enough data when no check could run; else ok."""
    if any(c.status == DRIFT for c in checks):
        return DRIFT
    return NOT_ENOUGH if all(c.status == NOT_ENOUGH for c in checks) else OK


def name_examples(check: Check, where: np.ndarray, window_rows: Sequence[dict[str, Any]]
                  ) -> None:
    """Give every example row a detail lists (``examples``: indices into the check's
    side, as the OOV terms and new entity strings list them) its request id, index and
    text, so the report and ``--json`` name the production rows, not positions."""
    if check.result is None:
        return
    for key, value in check.result.details.items():
        if not (isinstance(value, list) and value and isinstance(value[0], dict)
                and "examples" in value[0]):
            continue
        check.details[key] = [{**item, "requests": [_named(window_rows[int(where[i])])
                                                    for i in item["examples"]]}
                              for item in value]


def _named(row: dict[str, Any]) -> dict[str, Any]:
    text = row["text"]
    return {"request_id": row["request_id"], "idx": row["idx"],
            "text": None if text is None else text[:TEXT_CHARS]}


def _expected(project: Project, loaded: LoadedRun, task: Task) -> dict[str, float]:
    """What the served run should reach on its task's goal metric, for a realized
    performance check: the goal's target (when the goal names that metric) and the run's
    test score (else its validation score)."""
    metric = task.default_goal[0]
    out: dict[str, float] = {}
    if project.spec.goal.metric == metric:
        out["goal"] = float(project.spec.goal.target)
    metrics = loaded.run.get("metrics") or {}
    for split, name in (("test", "test"), ("val", "validation")):
        if f"{split}/{metric}" in metrics:
            out[name] = float(metrics[f"{split}/{metric}"])
            break
    return out


def _sides(store: Store, loaded: LoadedRun, window: Window, reference: Reference,
           project: Project, task: Task, progress: Progress) -> tuple[Side, Side]:
    """Production and reference sides; vectors only when the log keeps texts and a check
    (or the nearest training examples) needs them."""
    settings = project.spec.monitoring
    texts = [str(t) for t in window.texts] if window.has_texts else None
    wanted = (any(detector_reads(short) == "vectors"
                  for short in detectors_for(settings, task))
              or settings.neighbours > 0)
    name = embedder_name(loaded, project.spec.language)
    vectors = ref_vectors = None
    if texts is not None and wanted:
        vectors = embed(store, name, texts, progress)
        ref_vectors = embed(store, name, reference.sample.texts, progress)
        reference.pool.vectors = embed(store, name, reference.pool.texts, progress)
    current = Side(texts, vectors, window.predicted, window.bands, window.proba,
                   [row["feedback"] for row in window.rows], window.spans)
    ref = Side(reference.sample.texts, ref_vectors, reference.predicted, reference.bands,
               reference.proba, list(reference.sample.labels), reference.spans)
    return current, ref


def _comparisons(project: Project, current: Side, reference_side: Side, reference: Reference,
                 labels: list[str], expected: dict[str, float]
                 ) -> tuple[list[tuple[Comparison, np.ndarray]], list[str]]:
    """The whole window, then one comparison per text slice value (with its window rows)."""
    language = project.spec.language
    strings = reference.span_strings
    whole = Comparison(ALL, reference_side, current, reference.vocabulary, labels, language,
                       strings, expected)
    out = [(whole, np.arange(len(current)))]
    specs, skipped = text_slices(project.spec.slices)
    notes = [f"slice {name!r} is not checked: production rows carry no metadata or "
             "provenance" for name in skipped]
    if specs and current.texts is None:
        return out, [*notes, "slices are not checked: the prediction log keeps no texts"]
    masks = slice_masks(specs, current.texts or [])
    ref_masks = slice_masks(specs, reference.sample.texts)
    for key, mask in masks.items():
        comparison = Comparison(
            key, reference_side.subset(mask_for(ref_masks, key, len(reference_side))),
            current.subset(mask), reference.vocabulary, labels, language, strings, expected)
        out.append((comparison, np.flatnonzero(mask)))
    return out, notes


def _window_facts(window: Window) -> dict[str, Any]:
    start, end = window.span
    return {"rows": len(window), "start": start, "end": end,
            "texts_logged": window.has_texts,
            "feedback_rows": sum(row["feedback"] is not None for row in window.rows)}


def _log_notes(window: Window) -> list[str]:
    if window.has_texts:
        return []
    return ["input drift, slices and nearest training examples need texts: the prediction "
            "log of this window keeps none (serving.log_texts is hash or none)"]


def _save(store: Store, result: MonitorResult) -> None:
    """Catalog the run, its checks and alert rows in one transaction, then write the report."""
    from textloop.reports.monitoring import write_monitor_report

    served = result.served
    with store.write() as conn:
        report = monitoring.add_report(
            conn, model_version=served.version, run_name=served.run_name,
            release_id=served.release_id,
            window=(result.window["start"], result.window["end"]),
            n_rows=result.window["rows"], status=result.status, config=result.settings,
            summary=_summary(result))
        result.report_id = report["id"]
        ids = {id(check): monitoring.add_check(conn, report["id"], check.to_dict())
               for check in result.checks}
        for alert in result.alerts:
            monitoring.add_alert_rows(conn, report["id"], ids[id(alert.check)], alert.rows)
    relative = f"{MONITOR_DIR}/{result.report_id}"
    result.report_html, result.report_json = write_monitor_report(store.path_for(relative),
                                                                  result)
    with store.write() as conn:
        monitoring.set_report_path(conn, result.report_id, relative)


def _summary(result: MonitorResult) -> dict[str, Any]:
    counts = {status: sum(c.status == status for c in result.checks)
              for status in (OK, DRIFT, NOT_ENOUGH)}
    return {"checks": counts, "alerts": len(result.alerts), "window": result.window,
            "reference": result.reference}
