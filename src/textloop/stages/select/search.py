"""``textloop search``: hyper-parameter search with Optuna, within a time budget.

Each trial draws values from the space the model declares (``search_space`` on its class,
see ``models/search_space.py``), cross-validates them on the release's train + validation
rows, and scores them with the goal's metric (mean over the folds). The first trial is the
model's defaults, so the search can only match or beat an untuned ``textloop train``.

The budget is wall-clock time for the search itself. Optuna starts no trial once it is
spent, and a trial running past it is cut after its current fold (recorded as PRUNED, its
partial mean is never compared with full ones), so the search overruns by at most one fold
fit. The final model, trained with the best values like ``textloop train`` does, comes after.

Optuna is an optional dependency (``pip install "textloop[search]"``), imported only here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import InvalidInputError, MissingExtraError
from textloop.executors import Executor, executor_scope
from textloop.models.search_space import Choice, FloatRange, Space, space_json, space_of
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release import load_release
from textloop.stages.runs.loading import model_inputs
from textloop.stages.runs.record import recorded_run
from textloop.stages.select.cross_validate import (
    POOL,
    build_estimator,
    cross_validate_inputs,
    metric_keys,
    pool_rows,
    stratified_folds,
)
from textloop.stages.train.training import TrainResult, train
from textloop.storage import Store, runs
from textloop.tasks import require_verb
from textloop.types import Jsonable


@dataclass
class TrialRecord:
    number: int
    params: dict[str, Any]
    state: str
    """COMPLETE, or PRUNED when the budget ran out during the trial."""
    value: float | None = None
    std: float | None = None
    scores: dict[str, float] = field(default_factory=dict)
    """Mean over the folds per metric; ``spread`` holds the standard deviations."""
    spread: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class SearchResult(Jsonable):
    run_name: str
    model: str
    release_id: str
    metric: str
    best_params: dict[str, Any]
    best_value: float
    best_std: float
    trials: list[TrialRecord]
    budget_s: float
    seconds: float
    """Time spent searching, without the final training."""
    final: TrainResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """Every trial, the best values, and the final run as ``train --json`` prints it."""
        return {**super().to_dict(),
                "final": None if self.final is None else self.final.to_dict()}


def load_optuna() -> Any:
    try:
        import optuna
    except ImportError as exc:
        raise MissingExtraError("optuna", "search", "Hyper-parameter search") from exc
    return optuna


def search(store: Store, project: Project, *, model: str = "tfidf-lr", release: str = "latest",
           budget_s: float = 120.0, trials: int | None = None, folds: int = 5,
           params: dict[str, Any] | None = None, seed: int = 0, train_final: bool = True,
           executor: Executor | str | None = None,
           progress: Progress = NULL_PROGRESS) -> SearchResult:
    """Search ``model``'s space on a release, record the trials as a run, train the best.

    Optuna's sampler is sequential (each trial's values depend on the scores before it),
    so trials run one after another; the folds within a trial run on ``executor`` (an
    ``Executor``, or ``local``/``ray``; default: the project's ``execution:`` settings).
    The same seed gives the same trials, values and best trial on every engine."""
    require_verb(project, "search")
    optuna = load_optuna()
    fixed = dict(params or {})
    full_name, estimator = build_estimator(project, model, fixed)
    space = {k: v for k, v in space_of(estimator).items() if k not in fixed}
    if not space:
        raise InvalidInputError(f"{full_name} declares no parameters left to search",
                                hint="drop some --param values, or train it directly")
    if budget_s <= 0 or (trials is not None and trials < 1):
        raise InvalidInputError("--budget and --trials must be positive",
                                hint="e.g. --budget 120s --trials 30")
    data = load_release(store, release)
    texts, y = pool_rows(data)
    splits = stratified_folds(y, folds, seed)
    metric = project.spec.goal.metric
    config = {"model": full_name, "release": data.id, "metric": metric, "folds": folds,
              "seed": seed, "budget_s": budget_s, "max_trials": trials, "fixed": fixed,
              "space": space_json(space), "splits": list(POOL)}
    with executor_scope(executor, project.spec.execution) as engine, \
            recorded_run(store, kind="search", model=full_name, release_id=data.id,
                         config=config, params={}) as run:
        x = model_inputs(estimator, texts, store, progress, engine)
        objective = _Objective(optuna, estimator, space, fixed, x, y, data.labels, splits,
                               metric_keys(project), metric)
        objective.score_labels = list(project.spec.actions.score_labels)
        started = time.monotonic()
        objective.deadline = time.time() + budget_s
        label = f"Searching {full_name.split('.')[2]} ({budget_s:g}s budget)"
        objective.executor = engine
        with _quiet(optuna), progress.task(label, total=trials) as task:
            study = optuna.create_study(direction="maximize",
                                        sampler=optuna.samplers.TPESampler(seed=seed))
            study.enqueue_trial(_defaults(estimator, space))
            study.optimize(objective, n_trials=trials, timeout=budget_s,
                           callbacks=[lambda *_: task.advance()])
        seconds = time.monotonic() - started
        best = _best(objective.records, budget_s)
        final = None
        if train_final:
            final = train(store, project, model=full_name, release=data.id,
                          params={**fixed, **best.params}, progress=progress)
        _record(store, run, best, objective.records, fixed, final)
    return SearchResult(run["name"], full_name, data.id, metric, {**fixed, **best.params},
                        best.value or 0.0, best.std or 0.0, objective.records, budget_s,
                        seconds, final)


class _Objective:
    """One trial: draw values, cross-validate, return the mean of the goal's metric."""

    def __init__(self, optuna: Any, estimator: Any, space: Space, fixed: dict[str, Any],
                 x: Any, y: list[str], labels: list[str], splits: list[Any],
                 keys: tuple[str, ...], metric: str) -> None:
        self.optuna, self.estimator, self.space, self.fixed = optuna, estimator, space, fixed
        self.x, self.y, self.labels, self.splits = x, y, labels, splits
        self.keys, self.metric = keys, metric
        self.score_labels: list[str] = []
        self.deadline: float | None = None
        """Wall-clock end of the budget (``time.time()``): a fold not started by then is
        skipped, and its trial is PRUNED."""
        self.executor: Executor | None = None
        self.records: list[TrialRecord] = []

    def __call__(self, trial: Any) -> float:
        started = time.monotonic()
        drawn = suggest(trial, self.space)
        record = TrialRecord(trial.number, drawn, "PRUNED")
        self.records.append(record)
        candidate = self.estimator.set_params(**{**self.fixed, **drawn})
        summary = cross_validate_inputs(candidate, self.x, self.y, self.labels, self.splits,
                                        self.keys, score_labels=self.score_labels,
                                        executor=self.executor, deadline=self.deadline)
        record.seconds = time.monotonic() - started
        if summary is None:
            raise self.optuna.TrialPruned("time budget spent during the trial")
        record.scores, record.spread, record.state = summary.mean, summary.std, "COMPLETE"
        record.value = summary.mean.get(self.metric)
        record.std = summary.std.get(self.metric)
        if record.value is None:
            raise InvalidInputError(f"{self.metric} is undefined on these folds",
                                    hint="choose another goal metric in textloop.yaml")
        return record.value


def suggest(trial: Any, space: Space) -> dict[str, Any]:
    """Values for one trial from the declared ranges (Optuna's ``suggest_*``)."""
    drawn: dict[str, Any] = {}
    for name, spec in space.items():
        if isinstance(spec, Choice):
            drawn[name] = trial.suggest_categorical(name, list(spec.options))
        elif isinstance(spec, FloatRange):
            drawn[name] = trial.suggest_float(name, spec.low, spec.high, log=spec.log)
        else:
            drawn[name] = trial.suggest_int(name, spec.low, spec.high, log=spec.log)
    return drawn


def _defaults(estimator: Any, space: Space) -> dict[str, Any]:
    """The model's own values for the searched parameters, when they lie inside the space."""
    params = estimator.get_params()
    out = {}
    for name, spec in space.items():
        value = params[name]
        inside = (value in spec.options if isinstance(spec, Choice)
                  else value is not None and spec.low <= value <= spec.high)
        if inside:
            out[name] = value
    return out


@contextmanager
def _quiet(optuna: Any) -> Iterator[None]:
    """Optuna's per-trial log lines would drown the progress bar; the run records the trials."""
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(verbosity)


def _best(records: list[TrialRecord], budget_s: float) -> TrialRecord:
    complete = [r for r in records if r.state == "COMPLETE" and r.value is not None]
    if not complete:
        raise InvalidInputError(
            f"no trial finished within the {budget_s:g}s budget",
            hint="raise --budget (one trial fits the model once per fold), or lower --folds")
    return max(complete, key=lambda r: (r.value, -r.number))


def _record(store: Store, run: dict[str, Any], best: TrialRecord, records: list[TrialRecord],
            fixed: dict[str, Any], final: TrainResult | None) -> None:
    """Best values as the run's params, the best trial's CV scores, one point per trial, and
    every trial in ``runs/NAME/trials.json``."""
    path = store.path_for("runs", run["name"], "trials.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(r) for r in records], indent=2, default=str) + "\n",
                    encoding="utf-8")
    complete = [r for r in records if r.state == "COMPLETE"]
    with store.write() as conn:
        runs.log_params(conn, run["id"], {
            **fixed, **best.params, "best_trial": best.number, "trials": len(records),
            **({"final_run": final.run_name} if final else {})})
        for r in complete:
            runs.log_metrics(conn, run["id"], {f"trial/{k}": v for k, v in r.scores.items()},
                             step=r.number + 1)
        runs.log_metrics(conn, run["id"], {
            **{f"cv/{k}": v for k, v in best.scores.items()},
            **{f"cv/{k}_std": v for k, v in best.spread.items()},
            "search/trials_complete": float(len(complete)),
            "search/trials_pruned": float(len(records) - len(complete))})
