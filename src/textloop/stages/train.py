"""``textloop train``: fit a registered model on a release and record the run.

A run records its resolved config (full model name with version, hyper-parameters,
release id, seed) before fitting, metrics under MLflow-style keys (``train/macro_f1``,
``val/macro_f1``), and a verified bundle. A failure marks the run FAILED instead of
leaving it dangling as RUNNING.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.models.bundle import to_bundle
from textloop.models.classifiers import make_model
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.metrics import compute_metrics
from textloop.stages.modeling import align_proba, model_inputs
from textloop.stages.release import load_release
from textloop.storage import Store, runs
from textloop.storage.bundles import save_bundle

HEADLINE = ("accuracy", "macro_f1", "weighted_f1", "log_loss")


@dataclass
class TrainResult:
    run_id: str
    run_name: str
    model: str
    release_id: str
    n_train: int
    metrics: dict[str, float] = field(default_factory=dict)
    bundle_path: str = ""
    seconds: float = 0.0


def train(store: Store, project: Project, *, model: str = "tfidf-lr", release: str = "latest",
          params: dict[str, Any] | None = None, progress: Progress = NULL_PROGRESS) -> TrainResult:
    """Train ``model`` on the release's train split; score it on validation."""
    started = time.perf_counter()
    data = load_release(store, release)
    full_name, estimator = make_model(model, params)
    train_split, val_split = data.splits["train"], data.splits["validation"]
    if len(set(train_split.labels)) < 2:
        raise InvalidInputError(f"release {data.id}: the train split has fewer than two labels",
                                hint="label more records (at least two classes) and release again")
    short = full_name.split(".")[2]
    config = {"model": full_name, "params": estimator.get_params(), "release": data.id}
    with store.write() as conn:
        run = runs.create(conn, model=full_name, short_name=short, release_id=data.id,
                          config=config)
        runs.log_params(conn, run["id"], {**estimator.get_params(), "release": data.id,
                                          "n_train": len(train_split.texts)})
    try:
        metrics = _fit_and_score(store, estimator, data, train_split, val_split, progress)
        bundle_rel = f"runs/{run['name']}/bundle"
        contents = to_bundle(estimator, full_name, {
            "run_id": run["id"], "run_name": run["name"], "release_id": data.id,
            "config": config, "actions": project.spec.actions.model_dump(mode="json")})
        sha = save_bundle(store.path_for(bundle_rel), contents)
    except BaseException:
        with store.write() as conn:
            runs.finish(conn, run["id"], "FAILED")
        raise
    with store.write() as conn:
        runs.log_metrics(conn, run["id"], metrics)
        runs.finish(conn, run["id"], "FINISHED", bundle_rel, sha)
    return TrainResult(run_id=run["id"], run_name=run["name"], model=full_name,
                       release_id=data.id, n_train=len(train_split.texts), metrics=metrics,
                       bundle_path=str(store.path_for(bundle_rel)),
                       seconds=time.perf_counter() - started)


def _fit_and_score(store: Store, estimator: Any, data: Any, train_split: Any, val_split: Any,
                   progress: Progress) -> dict[str, float]:
    x_train = model_inputs(estimator, train_split.texts, store, progress)
    with progress.task(f"Fitting on {len(train_split.texts):,} rows", total=None):
        estimator.fit(x_train, train_split.labels)
    metrics = _scores("train", estimator, x_train, train_split.labels, data.labels)
    if val_split.texts:
        x_val = model_inputs(estimator, val_split.texts, store, progress)
        metrics |= _scores("val", estimator, x_val, val_split.labels, data.labels)
    return metrics


def _scores(prefix: str, estimator: Any, x: Any, y: list[str], labels: list[str]
            ) -> dict[str, float]:
    proba = align_proba(estimator.predict_proba(x), list(estimator.classes_), labels)
    computed = compute_metrics(y, proba, labels)
    return {f"{prefix}/{key}": float(computed[key]) for key in HEADLINE
            if computed.get(key) is not None}
