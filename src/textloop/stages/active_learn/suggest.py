"""``textloop suggest``: rank the pool with a query strategy and queue the top of it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from typing import Any, NamedTuple

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.executors import Executor, executor_scope
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.active_learn.data import MIN_TO_TRAIN, ActiveSets, fit, load_sets
from textloop.stages.active_learn.data import make_classifier as new_classifier
from textloop.stages.active_learn.streaming import streamed_top, streams
from textloop.storage import Store, queue
from textloop.strategies.query import (
    QueryContext,
    TaggedSequence,
    get_strategy,
    strategy_task,
)
from textloop.tasks import SpanTask, Task, require_verb, task_for
from textloop.types import plain


@dataclass
class SuggestResult:
    strategy: str
    batch_id: str
    pool_size: int
    labeled: int
    cold_start: bool
    record_ids: list[str] = field(default_factory=list)
    basis: str | None = None
    """How the records were ordered, when no model chose them (span projects)."""
    suggested_spans: int = 0
    """Spans the span model that ranked the records stored with them as suggestions for
    the labeling page (span projects)."""
    choice: dict[str, Any] = field(default_factory=dict)
    """What the strategy's switches decided for this batch (the default: ``diverse``
    batches, ``noisy`` labels and the ``evidence``, ``noisiest_class`` and ``class_share``
    behind it); empty for a strategy without switches. Without it a user would not know
    why the queue keeps away from a disputed class."""

    @property
    def queued(self) -> int:
        return len(self.record_ids)

    def to_dict(self) -> dict[str, Any]:
        """The strategy, the queue batch and the records queued, JSON-ready."""
        return {**plain(self), "queued": self.queued}


def suggest(store: Store, project: Project, *, strategy: str | None = None,
            batch: int | None = None, overlap: int | None = None, seed: int = 0,
            executor: Executor | str | None = None,
            progress: Progress = NULL_PROGRESS) -> SuggestResult:
    """Queue up to ``batch`` pool records chosen by ``strategy`` (defaults from the spec);
    how depends on the project's task (``_suggest_for``). ``executor`` (an ``Executor``,
    or ``local``/``ray``; default: the project's ``execution:`` settings) scores the pool
    for strategies that score items one by one (``streaming.py``); the picks are the same
    on every engine."""
    require_verb(project, "suggest")
    with executor_scope(executor, project.spec.execution) as engine:
        return _suggest_for(task_for(project), store, project, strategy, batch, overlap, seed,
                            progress, engine)


@singledispatch
def _suggest_for(task: Task, store: Store, project: Project, strategy: str | None,
                 batch: int | None, overlap: int | None, seed: int,
                 progress: Progress, executor: Executor) -> SuggestResult:
    """A query strategy over embeddings, with the classifier active learning trains.

    A strategy that scores items one by one (margin, entropy, least confidence) scores the
    pool in chunks on ``executor``, keeping only the best (``streaming.py``); the others
    (the default, clustering, diversity, committees) compare items and take the whole pool.
    """
    settings = project.spec.labeling
    batch = batch or settings.batch
    require_class_strategy(strategy or settings.strategy)
    sets = load_sets(store, project, progress=progress, executor=executor)
    require_pool(sets.pool_ids)
    model = fit(sets)
    full_name, instance = get_strategy(strategy or settings.strategy)
    choice: dict[str, Any] = {}  # a pointwise strategy has no switches to report
    if model is not None and batch >= 1 and streams(instance):
        chosen, cold = streamed_top(sets.pool_X, model, instance, batch, executor), False
    else:
        full_name, chosen, cold, choice = rank(sets, strategy or settings.strategy, batch,
                                               seed, model=model)
    proba = model.predict_proba(sets.pool_X[chosen]) if model is not None else None
    batch_id = enqueue(store, project, [sets.pool_ids[i] for i in chosen], full_name, overlap,
                       [_suggestion(model, proba, rank_) for rank_ in range(len(chosen))])
    return SuggestResult(full_name, batch_id, len(sets.pool_ids), len(sets.labeled_ids), cold,
                         [sets.pool_ids[i] for i in chosen], choice=choice)


@_suggest_for.register
def _(task: SpanTask, store: Store, project: Project, strategy: str | None,
      batch: int | None, overlap: int | None, seed: int, progress: Progress,
      executor: Executor) -> SuggestResult:
    """A span project ranks by a span model's answers for every pool text, in this
    process (``spans.py``)."""
    from textloop.stages.active_learn.spans import suggest_spans

    return suggest_spans(store, project, strategy=strategy, batch=batch, overlap=overlap,
                         seed=seed, progress=progress)


def require_class_strategy(name: str) -> None:
    """Refuse a span strategy (it ranks by a span model's tag probabilities) before any work."""
    get_strategy(name)  # an unknown name gets the registry's "did you mean"
    if strategy_task(name) == "spans":
        raise InvalidInputError(
            f"query strategy {name!r} ranks by a span model's tag probabilities; this "
            "project predicts classes", hint="use --strategy default, or margin, entropy, "
                                             "cluster-margin, ... (docs/active-learning.md)")


def require_pool(pool_ids: list[str]) -> None:
    """Refuse when there is nothing left to suggest."""
    if not pool_ids:
        raise InvalidInputError("nothing to suggest: every record is labeled or already queued",
                                hint="bring more unlabeled text with `textloop import` or "
                                     "`textloop crawl`")


def enqueue(store: Store, project: Project, record_ids: list[str], strategy: str,
            overlap: int | None, suggestions: list[dict[str, object]] | None = None) -> str:
    """Queue ``record_ids`` in order after everything already queued (each with its
    suggestion, if any) as one batch; its id."""
    settings = project.spec.labeling
    hints = suggestions or [{"suggestion": None, "confidence": None}] * len(record_ids)
    batch_id = uuid.uuid4().hex[:12]
    with store.write() as conn:
        floor = min((i["priority"] for i in queue.active_items(conn)), default=0.0)
        queue.enqueue(conn, [{
            "record_id": record_id, "priority": floor - 1.0 - rank_, "strategy": strategy,
            "batch_id": batch_id, "overlap": overlap or settings.overlap, **hint}
            for rank_, (record_id, hint) in enumerate(zip(record_ids, hints, strict=True))])
    return batch_id


class Ranked(NamedTuple):
    strategy: str
    """The strategy's full versioned name."""
    chosen: np.ndarray
    """Pool indices, best first."""
    cold_start: bool
    choice: dict[str, Any]
    """The strategy's ``last_choice`` (which switches it used), or empty."""


def rank(sets: ActiveSets, strategy: str, batch: int, seed: int = 0,
         candidates: np.ndarray | None = None, model: Any = None,
         tagged: Sequence[TaggedSequence] | None = None) -> Ranked:
    """The chosen pool indices, best first, with what chose them (``Ranked``).

    ``candidates`` restricts the choice to some pool indices (re-ranking a queue); ``model``
    is the classifier already fitted on ``sets`` (None: there is none yet); ``tagged`` is a
    span model's answer per pool item (span projects; None: no span model yet).
    """
    full_name, instance = get_strategy(strategy)
    pool = np.arange(len(sets.pool_ids)) if candidates is None else candidates
    proba = model.predict_proba(sets.pool_X[pool]) if model is not None else None
    if tagged is not None:
        tagged = [tagged[int(i)] for i in pool]
    if getattr(instance, "needs_model", False) and proba is None and tagged is None:
        raise InvalidInputError(
            f"strategy {strategy!r} needs a trained model: label at least {MIN_TO_TRAIN} "
            "records of two or more classes first", hint="use --strategy default (it starts "
            "with a diverse, representative cold-start batch)")
    ctx = QueryContext(pool_X=sets.pool_X[pool], labeled_X=sets.labeled_X,
                       labeled_y=sets.labeled_y, proba=proba,
                       classes=[str(c) for c in model.classes_] if model is not None else [],
                       make_classifier=new_classifier, rng=np.random.default_rng(seed),
                       tagged=tagged, labeled_votes=sets.labeled_votes)
    cold = bool(getattr(instance, "uses_cold_start",
                        lambda _: proba is None and tagged is None)(ctx))
    chosen = pool[instance.select(ctx, batch)]
    return Ranked(full_name, chosen, cold, dict(getattr(instance, "last_choice", {})))


def _suggestion(model: object, proba: np.ndarray | None, row: int) -> dict[str, object]:
    if model is None or proba is None:
        return {"suggestion": None, "confidence": None}
    best = int(np.argmax(proba[row]))
    return {"suggestion": str(model.classes_[best]),  # type: ignore[attr-defined]
            "confidence": float(proba[row, best])}
