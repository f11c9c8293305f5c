"""The model card written beside every evaluation report (``model_card.md`` and ``.html``).

It answers what a reviewer asks before serving a model: what it is, what it is for (the
labels and goal from ``textloop.yaml``), how well it does and how calibrated it is, where it
is weak (its worst classes and slices), and which data it came from, down to the release
whose rows it was trained and tested on.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from textloop import __version__
from textloop.config import SPAN_METRICS, Goal, Project
from textloop.reports.model_card import Section, write_card
from textloop.stages.release.files import release_folder
from textloop.stages.release.writer import CARD
from textloop.storage import Store, model_versions, releases
from textloop.storage.model_versions import version_name
from textloop.tasks import task_for

HEADLINE = ("accuracy", "macro_f1", "weighted_f1", "macro_precision", "macro_recall", "roc_auc",
            "pr_auc", "log_loss", "brier_score")
REGRESSION_HEADLINE = ("mae", "rmse", "r2", "spearman", "baseline_mae")
WORST = 3


def write_model_card(store: Store, project: Project, run: dict[str, Any], split: str,
                     metrics: dict[str, Any], *, conn: Connection | None = None,
                     version: int | None = None) -> Path:
    """Write the card into the run's ``evaluation-SPLIT`` folder; returns the Markdown path.

    ``conn`` lets registration write the card inside its own transaction, where the new
    version is already visible.
    """
    if conn is None:
        with store.read() as read:
            return write_model_card(store, project, run, split, metrics, conn=read,
                                    version=version)
    if version is None:
        version = model_versions.version_of_run(conn, run["id"])
    release = None if run["release_id"] is None else releases.get(conn, run["release_id"])
    counts = {} if release is None else releases.split_counts(conn, release["id"])
    folder = None if release is None else release_folder(store, release)
    name = version_name(version) if version is not None else "not registered"
    sections = [_model(run, name), _intended_use(project, metrics),
                _data(release, folder, counts), _metrics(split, metrics),
                _calibration(metrics), _limitations(metrics, project.spec.goal),
                _lineage(run, release, counts, version)]
    spans = "per_type" in metrics
    front = {"library_name": "textloop",
             "pipeline_tag": "token-classification" if spans else "text-classification",
             "model_name": run["name"], "model_version": version,
             "datasets": [release["id"]] if release else [],
             "metrics": {k: metrics[k] for k in ("accuracy", "macro_f1", "ece", "mae", "r2",
                                                 "entity_micro_f1", "entity_macro_f1")
                         if metrics.get(k) is not None}}
    target = store.path_for("runs", run["name"], f"evaluation-{split}")
    return write_card(target, f"Model card: {run['name']} ({name})", front, sections)


def _model(run: dict[str, Any], version: str) -> Section:
    created = time.strftime("%Y-%m-%d %H:%M", time.localtime(run["start_time"]))
    rows = [["Version", version], ["Run", run["name"]], ["Model", run["model"]],
            ["Run id", run["id"]], ["Trained", created],
            ["Bundle sha256", run.get("bundle_sha256") or "—"], ["textloop", __version__]]
    return Section("Model", table=(["field", "value"], rows))


def _intended_use(project: Project, metrics: dict[str, Any]) -> Section:
    spec = project.spec
    goal = spec.goal
    value = metrics.get(goal.metric)
    state = "not measured" if value is None else (
        f"{value:.4f}: {'met' if goal.met(value) else 'not met'}")
    spelled = f"{goal.metric} {'>=' if goal.higher_is_better else '<='} {goal.target}"
    paragraphs, bullets = task_for(project).intended_use(spec, f"{spelled} ({state})")
    paragraphs = [spec.description, *paragraphs] if spec.description else paragraphs
    return Section("Intended use", paragraphs=paragraphs, bullets=bullets)


def _data(release: dict[str, Any] | None, folder: Path | None, counts: dict[str, int]) -> Section:
    if release is None or folder is None:
        return Section("Training data", paragraphs=["The run names no release."])
    rows = [[split, f"{n:,}"] for split, n in sorted(counts.items())]
    return Section("Training data", paragraphs=[
        f"Release {release['id']} at {folder}; its dataset card is {folder / CARD}."],
        table=(["split", "rows"], rows))


def _metrics(split: str, metrics: dict[str, Any]) -> Section:
    rows = [[key, f"{metrics[key]:.4f}"] for key in (*HEADLINE, *REGRESSION_HEADLINE,
                                                     *SPAN_METRICS)
            if metrics.get(key) is not None]
    per_class = [[label, _fmt(e.get("f1")), _fmt(e.get("precision")), _fmt(e.get("recall")),
                  str(e.get("support", "—"))]
                 for label, e in _per_label(metrics).items()]
    section = Section(f"Metrics on {split}", paragraphs=[
        f"{metrics.get('n', 0):,} rows of the {split} split."], table=(["metric", "value"], rows))
    if per_class:
        section.bullets = [f"{r[0]}: F1 {r[1]}, precision {r[2]}, recall {r[3]}, support {r[4]}"
                           for r in per_class]
    return section


def _calibration(metrics: dict[str, Any]) -> Section:
    cal = metrics.get("calibration") or {}
    if not cal:
        return Section("Calibration", paragraphs=["No calibration numbers in this evaluation."])
    method = cal.get("method") or "none (probabilities as the model gives them)"
    return Section("Calibration", paragraphs=[
        f"Calibrator: {method}. Expected calibration error ({cal.get('bins')} bins): "
        f"{_fmt(cal.get('ece_before'))} before, {_fmt(cal.get('ece_after'))} after."])


def _limitations(metrics: dict[str, Any], goal: Goal) -> Section:
    per_class = {label: e.get("f1") for label, e in _per_label(metrics).items()
                 if e.get("f1") is not None}
    worst = sorted(per_class.items(), key=lambda kv: kv[1])[:WORST]
    bullets = [f"weakest label {label}: F1 {f1:.4f}" for label, f1 in worst]
    bullets += _worst_slices(metrics, goal)
    bullets += [f"{u['metric']} undefined: {u['reason']}" for u in metrics.get("undefined", [])]
    return Section("Limitations", paragraphs=[
        "Measured on held-out rows of the same release it was trained on; traffic that "
        "differs from that data (new topics, languages, lengths) can score lower."],
        bullets=bullets)


def _worst_slices(metrics: dict[str, Any], goal: Goal) -> list[str]:
    """The slices furthest from the goal (highest errors for a lower-is-better metric)."""
    metric = goal.metric
    slices = metrics.get("slices") or {}
    if not slices:
        return ["no slices declared: the evaluation has no per-slice metrics"]
    scored = [(name, float(s[metric])) for name, s in slices.items()
              if isinstance(s, dict) and s.get(metric) is not None]
    return [f"weakest slice {name}: {metric} {value:.4f}"
            for name, value in sorted(scored, key=lambda kv: kv[1],
                                      reverse=not goal.higher_is_better)[:WORST]]


def _lineage(run: dict[str, Any], release: dict[str, Any] | None, counts: dict[str, int],
             version: int | None) -> Section:
    head = f"version {version_name(version)} → " if version is not None else ""
    where = "no release" if release is None else (
        f"release {release['id']} ({sum(counts.values()):,} row ids)")
    bullets = [f"{head}run {run['name']} → {where}"]
    if version is not None:
        bullets.append(f"list the row ids with `textloop lineage {version_name(version)} --ids`")
    return Section("Lineage", bullets=bullets)


def _per_label(metrics: dict[str, Any]) -> dict[str, Any]:
    """Scores per class, or per span type (support: gold spans) for a span run."""
    return dict(metrics.get("per_class") or metrics.get("per_type") or {})


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.4f}"
