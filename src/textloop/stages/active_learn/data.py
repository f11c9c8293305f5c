"""The two sets active learning works on, with their embeddings from the store's cache.

*Labeled*: records whose final label comes from a person or an import (human, adjudicated,
import): machine labels (weak, model, production) are not ground truth for choosing what to
ask next. *Pool*: records with no such label that are not already waiting in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

from textloop.config import Project
from textloop.executors import Executor
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.inputs import embed_texts
from textloop.stages.label.queue import latest_answers
from textloop.stages.label.resolution import Resolution, current_labels
from textloop.storage import Store, annotation_log, queue, records, reviews
from textloop.tasks import task_for
from textloop.types import AnnotationKind

TRUSTED = ("human", "adjudicated", "review", "import")
SYNTHETIC = AnnotationKind.SYNTHETIC.value
MIN_TO_TRAIN = 10


@dataclass
class ActiveSets:
    labeled_ids: list[str]
    labeled_y: np.ndarray
    labeled_X: np.ndarray
    pool_ids: list[str]
    pool_X: np.ndarray
    labeled_votes: list[dict[str, str]] | None = None
    """Per labeled record (``labeled_ids`` order), its annotators' standing answers,
    annotator -> label: where several people answered, query strategies read their
    disagreement as evidence of unreliable labels (``QueryContext.labeled_votes``)."""

    @property
    def classes(self) -> list[str]:
        return sorted(set(self.labeled_y.tolist()))

    @property
    def trainable(self) -> bool:
        return len(self.labeled_ids) >= MIN_TO_TRAIN and len(self.classes) >= 2


@dataclass
class Partition:
    """The store's records split for active learning, before any features."""

    texts: dict[str, str]
    """Every record not excluded in review: id -> text."""
    resolved: dict[str, Resolution]
    labeled: list[str]
    """Records with a trusted final value, in id order."""
    pool: list[str]
    """Records to choose from, in id order."""
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    """record id -> {annotator: answer}: people's standing answers (adjudications aside)."""


def partition(store: Store, project: Project, *, include_queued: bool = False) -> Partition:
    """Labeled and pool record ids (see the module); any task, no embeddings."""
    with store.read() as conn:
        resolved = current_labels(conn, project.spec.labeling.policy, task=task_for(project))
        # people answered but no rule settled it (a tie): it waits for an adjudicator, and
        # asking more annotators is not how the project settles it
        votes = annotation_log.human_votes(conn)
        undecided = {row[0] for row in votes} - set(resolved)
        waiting = set() if include_queued else queue.active_record_ids(conn)
        excluded = reviews.excluded_ids(conn)  # taken out in review: neither trained on nor asked
        texts: dict[str, str] = {}
        for rec in records.iter_all(conn):
            if rec.id not in excluded:
                texts[rec.id] = rec.text
    labeled = sorted(rid for rid, r in resolved.items() if r.kind in TRUSTED and rid in texts)
    # generated texts are neither trained on here nor asked about: the pool is real text
    generated = {rid for rid, r in resolved.items() if r.kind == SYNTHETIC}
    taken = set(labeled) | waiting | generated | undecided
    pool = sorted(rid for rid in texts if rid not in taken)
    return Partition(texts, resolved, labeled, pool, latest_answers(votes))


def load_sets(store: Store, project: Project, *, include_queued: bool = False,
              progress: Progress = NULL_PROGRESS,
              executor: Executor | None = None) -> ActiveSets:
    """Labeled and pool records with embeddings (computed once, on ``executor`` when given,
    then read from the cache)."""
    found = partition(store, project, include_queued=include_queued)
    texts, resolved, labeled, pool = found.texts, found.resolved, found.labeled, found.pool
    vectors = embed_texts(store, [texts[r] for r in labeled + pool], progress,
                          project.spec.language, executor)
    return ActiveSets(labeled, np.array([resolved[r].label for r in labeled], dtype=object),
                      vectors[:len(labeled)], pool, vectors[len(labeled):],
                      [found.answers.get(r, {}) for r in labeled])


def make_classifier() -> LogisticRegression:
    """The model active learning trains: logistic regression on embeddings (as embed-lr)."""
    return LogisticRegression(C=10.0, max_iter=2000)


def fit(sets: ActiveSets) -> LogisticRegression | None:
    if not sets.trainable:
        return None
    return make_classifier().fit(sets.labeled_X, sets.labeled_y)
