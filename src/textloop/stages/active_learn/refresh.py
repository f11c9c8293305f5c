"""One refresh while labeling: retrain, score, check stability, update and top up the queue.

The cross-validated score on the labels so far gives the learning curve from which
``labeling_progress`` estimates the labels still needed. Stability compares the new model's
predictions with the previous round's on a fixed *stop set* of unlabeled records (the
first records in id order, which is hash order: a stable random sample).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.metrics import compute_metrics
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.active_learn.data import ActiveSets, fit, load_sets, make_classifier
from textloop.stages.active_learn.suggest import rank, suggest
from textloop.storage import Store, queue, rounds
from textloop.strategies.stopping import THRESHOLD, WINDOW, cohen_kappa

STOP_SET = 2000
CV_LIMIT = 5000
MODEL = "textloop.model.embed-lr.v1"


@dataclass
class RefreshResult:
    trained: bool
    n_labels: int
    score: float | None = None
    stability: float | None = None
    stable: bool = False
    updated: int = 0
    topped_up: int = 0


def refresh(store: Store, project: Project, *, progress: Progress = NULL_PROGRESS
            ) -> RefreshResult:
    """Retrain on the current labels and bring the queue up to date (see module docstring)."""
    sets = load_sets(store, project, include_queued=True, progress=progress)
    model = fit(sets)
    result = RefreshResult(trained=model is not None, n_labels=len(sets.labeled_ids))
    if model is not None:
        result.score = cross_validated(sets, project.spec.goal.metric,
                                       project.spec.actions.score_labels)
        stop_ids, stop_pred = _stop_predictions(sets, model)
        with store.read() as conn:
            history = rounds.all_rounds(conn)
        result.stability = _kappa_with_previous(history, stop_ids, stop_pred)
        kappas = [r["stability"] for r in history if r["stability"] is not None]
        kappas += [result.stability] if result.stability is not None else []
        result.stable = len(kappas) >= WINDOW and float(np.mean(kappas[-WINDOW:])) >= THRESHOLD
        result.updated = _update_queue(store, project, sets, model)
        with store.write() as conn:
            rounds.add(conn, n_labels=result.n_labels, score=result.score,
                       stability=result.stability, model=MODEL,
                       details={"metric": project.spec.goal.metric, "stop_ids": stop_ids,
                                "stop_pred": stop_pred})
    result.topped_up = _top_up(store, project, progress)
    return result


def cross_validated(sets: ActiveSets, metric: str, score_labels: Sequence[str] = ()
                    ) -> float | None:
    """The goal metric by stratified k-fold on (at most ``CV_LIMIT``) labeled records;
    ``score_labels`` decide the positive class of an AUC goal."""
    y = sets.labeled_y.astype(str)
    smallest = int(np.unique(y, return_counts=True)[1].min())
    if smallest < 2:
        return None
    rows = np.arange(len(y))
    if len(rows) > CV_LIMIT:
        rows = np.sort(np.random.default_rng(0).choice(rows, CV_LIMIT, replace=False))
    folds = StratifiedKFold(n_splits=min(5, smallest), shuffle=True, random_state=0)
    proba = cross_val_predict(make_classifier(), sets.labeled_X[rows], y[rows], cv=folds,
                              method="predict_proba")
    labels = sorted(set(y[rows]))
    value = compute_metrics(list(y[rows]), proba, labels, score_labels).get(metric)
    return float(value) if value is not None else None


def _stop_predictions(sets: ActiveSets, model: Any) -> tuple[list[str], list[str]]:
    ids = sets.pool_ids[:STOP_SET]
    if not ids:
        return [], []
    return ids, [str(p) for p in model.predict(sets.pool_X[:STOP_SET])]


def _kappa_with_previous(history: list[dict[str, Any]], ids: list[str],
                         predictions: list[str]) -> float | None:
    """Kappa on the stop-set records both rounds predicted (labeled ones drop out)."""
    if not history or not ids:
        return None
    previous = dict(zip(history[-1]["details"].get("stop_ids", []),
                        history[-1]["details"].get("stop_pred", []), strict=False))
    shared = [(previous[i], p) for i, p in zip(ids, predictions, strict=True) if i in previous]
    if len(shared) < 20:
        return None
    before, after = zip(*shared, strict=True)
    return cohen_kappa(list(before), list(after))


def _update_queue(store: Store, project: Project, sets: ActiveSets, model: Any) -> int:
    """New suggestions for every waiting item; unclaimed items re-ranked by the strategy,
    except those brought back from production, which keep their place at the front."""
    position = {rid: i for i, rid in enumerate(sets.pool_ids)}
    with store.read() as conn:
        active = [i for i in queue.active_items(conn) if i["record_id"] in position]
        unclaimed = {i["id"] for i in queue.open_items(conn)}
    if not active:
        return 0
    rows = np.array([position[i["record_id"]] for i in active])
    proba = model.predict_proba(sets.pool_X[rows])
    best = proba.argmax(axis=1)
    changes = [{"id": item["id"], "suggestion": str(model.classes_[best[k]]),
                "confidence": float(proba[k, best[k]])} for k, item in enumerate(active)]
    free = [k for k, item in enumerate(active) if item["id"] in unclaimed
            and not str(item["strategy"] or "").startswith(queue.PRODUCTION_STRATEGY)]
    if len(free) > 1:
        top = max(active[k]["priority"] for k in free)
        order = rank(sets, project.spec.labeling.strategy, len(free),
                     candidates=rows[free], model=model).chosen
        new_rank = {int(pool_index): r for r, pool_index in enumerate(order)}
        for k in free:
            changes[k]["priority"] = top - new_rank[int(rows[k])]
    with store.write() as conn:
        queue.update_items(conn, changes)
    return len(changes)


def _top_up(store: Store, project: Project, progress: Progress) -> int:
    """When fewer than half a batch waits unclaimed, queue another batch."""
    with store.read() as conn:
        waiting = len(queue.open_items(conn))
    if waiting >= project.spec.labeling.batch // 2:
        return 0
    try:
        return suggest(store, project, progress=progress).queued
    except InvalidInputError:  # the pool is empty: nothing left to ask about
        return 0
