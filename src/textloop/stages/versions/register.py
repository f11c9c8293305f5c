"""``textloop register | versions | lineage``: runs become numbered model versions.

Registration is explicit (``textloop register RUN``), not a side effect of ``evaluate``: a
team evaluates many runs and registers the few worth serving. A version freezes the test
metrics it is judged on (evaluating the run on test first when that was never done), gets
the ``challenger`` alias, and points to its release, so every version traces back to the
exact row ids it was trained and tested on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textloop.config import CLASSIFICATION_METRICS, REGRESSION_METRICS, SPAN_METRICS, Project
from textloop.errors import NotFoundError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.reports.evaluation import METRICS_FILE
from textloop.stages.evaluate.model_card import write_model_card
from textloop.stages.release.files import release_folder
from textloop.stages.release.writer import CARD
from textloop.stages.runs.table import mixed_releases_note
from textloop.storage import Store, model_versions, releases, runs
from textloop.storage.refs import resolve_run, resolve_version
from textloop.types import plain

CHALLENGER = "challenger"
CHAMPION = "champion"
SNAPSHOT_KEYS = ("n", *CLASSIFICATION_METRICS, "log_loss", "brier_score", "ece",
                 "uncalibrated_ece", *REGRESSION_METRICS, "baseline_mae", *SPAN_METRICS)
"""Every goal metric of every task, so the promotion policy finds the project's goal."""


@dataclass
class Registered:
    version: dict[str, Any]
    card_path: Path
    evaluated_now: bool

    def to_dict(self) -> dict[str, Any]:
        """The new version's registry row, its model card and whether test ran now."""
        return plain(self)


def register_run(store: Store, project: Project, run_ref: str, *, actor: str,
                 progress: Progress = NULL_PROGRESS) -> Registered:
    """Register a finished run as the next version and point ``challenger`` at it."""
    with store.read() as conn:
        run = resolve_run(conn, run_ref)
    if run["status"] != runs.FINISHED:
        raise NotFoundError(f"run {run['name']} has no model (status: {run['status']})",
                            hint="register a finished run; train one with `textloop train`")
    metrics, evaluated_now = _test_metrics(store, project, run, progress)
    with store.write() as conn:
        version = model_versions.add_version(conn, run_id=run["id"], run_name=run["name"],
                                       release_id=run["release_id"],
                                       metrics=snapshot(metrics), actor=actor)
        model_versions.move_alias(conn, CHALLENGER, version["version"], action="register",
                            actor=actor)
        card = write_model_card(store, project, run, "test", metrics, conn=conn,
                                version=version["version"])
        model_versions.set_card_path(conn, version["version"], str(card))
        version = model_versions.get_version(conn, str(version["version"]))
    return Registered(version, card, evaluated_now)


def _test_metrics(store: Store, project: Project, run: dict[str, Any],
                  progress: Progress) -> tuple[dict[str, Any], bool]:
    """The run's test metrics.json, evaluating the run on test when there is none yet."""
    path = store.path_for("runs", run["name"], "evaluation-test", METRICS_FILE)
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8")), False
    from textloop.stages.evaluate.evaluation import evaluate_run

    return evaluate_run(store, project, run["id"], split="test", progress=progress).metrics, True


def snapshot(metrics: dict[str, Any]) -> dict[str, Any]:
    """What a version keeps of its evaluation: headline numbers, per-class F1 (per span type
    for a span run), slices."""
    out = {key: metrics[key] for key in SNAPSHOT_KEYS if metrics.get(key) is not None}
    per_label = metrics.get("per_class") or metrics.get("per_type") or {}
    out["per_class_f1"] = {label: entry.get("f1") for label, entry in per_label.items()}
    # what the per-class promotion rule needs to tell a class too small to judge, and to
    # name it a class or a span type
    out["per_class_support"] = {label: entry.get("support")
                                for label, entry in per_label.items()}
    if per_label:
        out["per_label_kind"] = "class" if metrics.get("per_class") else "type"
    if metrics.get("slices"):
        out["slices"] = metrics["slices"]
    return out


def list_versions(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        return model_versions.list_versions(conn)


def versions_note(versions: list[dict[str, Any]]) -> str | None:
    """Said when the versions' test metrics were measured on more than one release."""
    return mixed_releases_note(
        [v["release_id"] for v in versions],
        compare="`textloop promote` scores the champion again on the candidate's release "
                "before comparing")


def alias_history(store: Store, alias: str | None = None) -> list[dict[str, Any]]:
    with store.read() as conn:
        return model_versions.history(conn, alias)


@dataclass
class Lineage:
    version: dict[str, Any]
    run: dict[str, Any]
    release: dict[str, Any] | None
    release_path: Path | None
    release_card: Path | None
    rows_per_split: dict[str, int]
    row_ids: list[tuple[str, str, str]] | None

    def to_dict(self) -> dict[str, Any]:
        """The trace as ``textloop lineage --json`` prints it; row ids (with ``--ids``) as
        ``{"id", "split", "label"}`` objects so a script reads them by name."""
        return {"version": self.version, "run": self.run, "release": self.release,
                "release_path": None if self.release_path is None else str(self.release_path),
                "release_card": None if self.release_card is None else str(self.release_card),
                "rows_per_split": self.rows_per_split,
                "row_ids": None if self.row_ids is None else [
                    {"id": rid, "split": split, "label": label}
                    for rid, split, label in self.row_ids]}


def lineage(store: Store, version_ref: str, *, with_ids: bool = False) -> Lineage:
    """Version -> run -> release -> row ids (counted per split; listed with ``with_ids``)."""
    with store.read() as conn:
        version = resolve_version(conn, version_ref)
        run = runs.get(conn, version["run_id"])
        release = None if version["release_id"] is None else releases.get(
            conn, version["release_id"])
        counts = {} if release is None else releases.split_counts(conn, release["id"])
        ids = releases.rows(conn, release["id"]) if with_ids and release is not None else None
    folder = None if release is None else release_folder(store, release)
    return Lineage(version=version, run=run, release=release, release_path=folder,
                   release_card=None if folder is None else folder / CARD,
                   rows_per_split=counts, row_ids=ids)
