"""``textloop train``: fit a registered model on a release and record the run.

A run records its resolved config (full model name with version, hyper-parameters,
release id, seed) before fitting, metrics under MLflow-style keys (``train/macro_f1``,
``val/macro_f1``), and a verified bundle. The bundle also carries the calibrator and the
action-band thresholds fitted on the validation split (see ``validation_fit.py``). A
failure marks the run failed instead of leaving it dangling as running; a killed
process leaves it running until the next command marks it ``failed (interrupted)``.

What depends on the project's task comes from its ``Task`` (``textloop.tasks``): the
default model, which models fit, how the model's output is scored, and what is fitted on
validation. A regression project trains a regressor (``tfidf-ridge``, ``embed-ridge``,
``embed-mlp-regressor``) with no calibrator and no bands.

Iterative models (``embed-mlp``) train under early stopping from the ``training:`` section of
``textloop.yaml``: each epoch's ``train/loss``, ``val/loss`` and validation metrics are logged
with ``step`` = epoch, the run gets a written verdict (see ``training_monitor``), and the
metrics of the model kept are logged once more at step ``epochs_run + 1`` (MLflow's
convention for restored weights), so a run's latest values describe the model it saved.
TensorBoard event files go to ``runs/NAME/tensorboard/``.

``max_train`` bounds the training time on a large release: the model is fitted on the first
``max_train`` records of the train split in id order (ids are content hashes, so that is a
sample unrelated to the texts' order in the file, and the same one every time), the cap is
kept in the run's config and params, and the run's notes say how many records were left out.
Validation and test stay whole, so the scores remain comparable with uncapped runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.calibration import make_calibrator
from textloop.models.bundle import to_bundle
from textloop.models.classifiers import make_model
from textloop.models.tags import model_tags
from textloop.processes import pause_point
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release import ReleaseData, load_release
from textloop.stages.train.fitting import fit_on_train_split
from textloop.stages.train.monitoring import MonitoredFit
from textloop.stages.train.span_rules_choice import RulesChoice, choose_span_rules
from textloop.storage import Store, runs
from textloop.storage.bundles import save_bundle
from textloop.storage.tensorboard import write_scalars
from textloop.tasks import Task, require_verb, task_for


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
    training: MonitoredFit | None = None
    calibration: str | None = None
    bands: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    calibration_choice: str | None = None
    """Which calibration was kept and the evidence (also the run param of that name)."""
    rules_choice: str | None = None
    """Whether a learned span model kept the span rules and the evidence (run param)."""

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop train --json`` prints: the run, its validation metrics, bands,
        and the training curves' verdict for iterative models."""
        return {"run_id": self.run_id, "run_name": self.run_name, "model": self.model,
                "release_id": self.release_id, "n_train": self.n_train,
                "metrics": self.metrics, "bundle_path": self.bundle_path,
                "seconds": self.seconds, "calibration": self.calibration,
                "calibration_choice": self.calibration_choice, "bands": self.bands,
                "rules_choice": self.rules_choice,
                "notes": self.notes,
                "training": None if self.training is None else self.training.to_json()}


def train(store: Store, project: Project, *, model: str | None = None, release: str = "latest",
          params: dict[str, Any] | None = None, calibration: str | None = None,
          max_train: int | None = None, progress: Progress = NULL_PROGRESS) -> TrainResult:
    """Train ``model`` on the release's train split; score it on validation, where the
    calibrator (``calibration`` overrides the spec's method) and band thresholds are fitted.
    ``max_train`` caps the training records (see the module docstring); None trains on all."""
    started = time.perf_counter()
    require_verb(project, "train")
    data, cap_note = _capped(load_release(store, release), max_train)
    task = task_for(project)
    full_name, estimator = make_model(model or task.model_for(project.spec), params,
                                      project.spec.language)
    task.check_model(estimator, full_name)
    if model_tags(estimator).uses_span_rules:
        apply_span_rules(estimator, params or {}, project)
    iterative = model_tags(estimator).iterative
    if iterative:
        apply_training_defaults(estimator, params or {}, project)
    calibration = make_calibrator(calibration or project.spec.calibration.method)[0]
    train_split = data.splits["train"]
    task.check_train_labels(data.id, train_split.labels)
    short = full_name.split(".")[2]
    config: dict[str, Any] = {"model": full_name, "params": estimator.get_params(),
                              "release": data.id}
    if max_train is not None:
        config["max_train"] = max_train
    if iterative:
        config["training"] = project.spec.training.model_dump(mode="json")
    with store.write() as conn:
        run = runs.create(conn, model=full_name, short_name=short, release_id=data.id,
                          config=config)
        runs.log_params(conn, run["id"], {**estimator.get_params(), "release": data.id,
                                          "n_train": len(train_split.texts),
                                          **({} if max_train is None
                                             else {"max_train": max_train})})
    pause_point("train:running")
    try:
        metrics, val_output, monitored, rules = _fit_and_score(store, project, task,
                                                               estimator, data, progress)
        fitted = task.fit_on_validation(val_output, data.splits["validation"].labels,
                                        estimator, project.spec, calibration)
        metrics |= fitted.metrics | (rules.metrics() if rules else {})
        bundle_rel = f"runs/{run['name']}/bundle"
        contents = to_bundle(estimator, full_name, {
            "run_id": run["id"], "run_name": run["name"], "release_id": data.id,
            "config": config, **fitted.meta,  # actions: the policy with fitted thresholds
            **({"training": monitored.to_json()} if monitored else {}),
            **({"span_rules_choice": rules.to_json()} if rules else {})})
        contents.arrays.update(fitted.arrays)
        sha = save_bundle(store.path_for(bundle_rel), contents)
        if monitored:
            write_scalars(store.path_for("runs", run["name"], "tensorboard"),
                          [(int(row["epoch"]), row) for row in monitored.history])
    except BaseException:
        with store.write() as conn:
            runs.finish(conn, run["id"], runs.FAILED)
        raise
    with store.write() as conn:
        _log_metrics(conn, run["id"], metrics, monitored)
        if rules is not None:
            runs.log_params(conn, run["id"], rules.params())
        if fitted.calibration_choice is not None:
            runs.log_params(conn, run["id"], {
                "calibration": fitted.meta["calibration"]["name"],
                "calibration_choice": fitted.calibration_choice})
        runs.finish(conn, run["id"], runs.FINISHED, bundle_rel, sha)
    return TrainResult(run_id=run["id"], run_name=run["name"], model=full_name,
                       release_id=data.id, n_train=len(train_split.texts), metrics=metrics,
                       bundle_path=str(store.path_for(bundle_rel)),
                       seconds=time.perf_counter() - started,
                       calibration=fitted.meta.get("calibration", {}).get("name"),
                       bands=fitted.bands, notes=[*cap_note, *fitted.notes],
                       training=monitored,
                       calibration_choice=fitted.calibration_choice,
                       rules_choice=None if rules is None else rules.sentence())


def _capped(data: ReleaseData, max_train: int | None) -> tuple[ReleaseData, list[str]]:
    """The release with its train split cut to ``max_train`` records, and the note saying so
    (none when the split already fits)."""
    if max_train is None:
        return data, []
    if max_train < 1:
        raise InvalidInputError(f"max_train must be at least 1 (got {max_train})",
                                hint="leave it out (or pass 0 on the command line) to train "
                                     "on the whole train split")
    split = data.splits["train"]
    if len(split) <= max_train:
        return data, []
    kept = replace(split, ids=split.ids[:max_train], texts=split.texts[:max_train],
                   labels=split.labels[:max_train], meta=split.meta[:max_train])
    note = (f"trained on {max_train:,} of {len(split):,} training records (max_train "
            f"{max_train:,}, the first in id order); validation and test are whole. Raise "
            "max_train, or leave it out, to train on more")
    return replace(data, splits={**data.splits, "train": kept}), [note]


def apply_training_defaults(estimator: Any, params: dict[str, Any], project: Project) -> None:
    """``epochs`` and ``loss`` from the training section, unless ``--param`` set them.

    Models with costly epochs (``own_epochs``: fine-tuning an encoder) keep their own epoch
    count (``--param epochs=...`` still sets it); a model without a key ignores it.
    """
    settings = project.spec.training
    defaults = {"epochs": settings.epochs, "loss": settings.loss}
    if model_tags(estimator).own_epochs:
        del defaults["epochs"]
    accepted = estimator.get_params()
    estimator.set_params(**{k: v for k, v in defaults.items()
                            if k not in params and k in accepted})


def apply_span_rules(estimator: Any, params: dict[str, Any], project: Project) -> None:
    """The project's ``span_rules:`` and span labels as the model's ``rules`` and ``labels``
    (unless ``--param`` set them), so the run's params and bundle record the rules it was
    trained with, not whatever ``textloop.yaml`` says later."""
    spec = project.spec
    given = {"rules": [rule.model_dump(mode="json", exclude_defaults=True)
                       for rule in spec.span_rules],
             "labels": spec.label_names}
    estimator.set_params(**{k: v for k, v in given.items() if k not in params})


def _log_metrics(conn: Any, run_id: str, metrics: dict[str, float],
                 monitored: MonitoredFit | None) -> None:
    """Per-epoch history (steps 1..N), then the kept model's metrics at step N + 1."""
    if monitored is None:
        runs.log_metrics(conn, run_id, metrics)
        return
    runs.log_history(conn, run_id, monitored.history)
    final = dict(metrics)
    if monitored.restored_epoch is not None:
        final["restored_epoch"] = float(monitored.restored_epoch)
    runs.log_metrics(conn, run_id, final, step=monitored.epochs_run + 1)


def _fit_and_score(store: Store, project: Project, task: Task, estimator: Any, data: Any,
                   progress: Progress
                   ) -> tuple[dict[str, float], Any, MonitoredFit | None, RulesChoice | None]:
    """Train/validation metrics (``train/...``, ``val/...``), the model's validation output
    (probabilities in model column order, numbers, or scored spans; None without a
    validation split), for models trained by epochs the monitored history and verdict,
    and for a span model that can merge the span rules, whether it keeps them
    (``span_rules_choice``, decided before anything is scored)."""
    train_split, val_split = data.splits["train"], data.splits["validation"]
    x_train, x_val, monitored = fit_on_train_split(store, project, estimator, data, progress)
    rules, val_output = (choose_span_rules(task, estimator, x_val, val_split.labels,
                                           data.labels)
                         if model_tags(estimator).combines_span_rules else (None, None))
    reference = train_split.labels
    metrics = _prefixed("train", task.score(train_split.labels,
                                            task.model_output(estimator, x_train), data.labels,
                                            estimator=estimator, reference=reference))
    if x_val is not None:
        if val_output is None:
            val_output = task.model_output(estimator, x_val)
        metrics |= _prefixed("val", task.score(val_split.labels, val_output, data.labels,
                                               estimator=estimator, reference=reference))
    return metrics, val_output, monitored, rules


def _prefixed(prefix: str, scores: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}/{key}": value for key, value in scores.items()}
