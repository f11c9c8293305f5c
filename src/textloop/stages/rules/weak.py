"""Weak labels: the rules' votes, combined by a label model, stored as annotations of kind weak.

Only records at least one rule votes on, and whose label model confidence reaches
``min_confidence``, get a weak label. A weak label never outranks a person: label
resolution trusts adjudicated > human > import > synthetic > weak, so weak labels fill in
records nobody labeled and nothing else.

Re-running is idempotent. Each label model is one annotator (``label_model:<method>``) with
at most one standing answer per record: an unchanged answer writes nothing, a changed one
retracts the old annotation and appends the new one, and a record the rules no longer label
confidently has its old weak label retracted. An answer changes when its label changes or
when the rules that voted for it do (a rule was renamed, added or removed); a confidence
that only moved because the label model was refitted on more records is not a change, so
importing records does not rewrite every weak label. Rows are never deleted, so what the
rules said at any time stays readable.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import singledispatch
from typing import Any

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.rules.label_model import fit_label_model
from textloop.stages.rules.votes import RuleVotes, rule_votes
from textloop.storage import Store, annotation_log, weak_labels
from textloop.tasks import SpanTask, Task, require_verb, task_for
from textloop.types import AnnotationKind

WEAK = AnnotationKind.WEAK.value


MIN_CONFIDENCE = 0.5
"""The label model's least confidence for a weak label when none is given."""


@dataclass
class WeakLabelResult:
    method: str
    label_model: str
    """Registered, versioned name of the label model."""
    annotator: str
    min_confidence: float | None
    """None for span rules, whose majority has no confidence threshold."""
    n_records: int = 0
    n_covered: int = 0
    """Records at least one rule voted on."""
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    below_threshold: int = 0
    """Covered records left without a weak label (low confidence or a tie; for span rules,
    a tie on every token)."""
    withdrawn: int = 0
    """Earlier weak labels retracted because the rules no longer give them confidently."""
    labels: dict[str, int] = field(default_factory=dict)
    """Weak labels per label this run gives (for span rules: weak spans per label)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_weak_labels(store: Store, project: Project, *, method: str | None = None,
                      min_confidence: float | None = None,
                      progress: Progress = NULL_PROGRESS) -> WeakLabelResult:
    """Apply the rules to all records, combine their votes, store what changed: the
    project's task decides which rules and how (``_apply_for``).

    ``min_confidence`` is the label model's least confidence for a weak label (None:
    ``MIN_CONFIDENCE``); span rules combine by token majority, which has none, so they
    refuse a threshold rather than ignore it."""
    require_verb(project, "rules", "textloop rules --apply")
    return _apply_for(task_for(project), store, project, method, min_confidence, progress)


@singledispatch
def _apply_for(task: Task, store: Store, project: Project, method: str | None,
               min_confidence: float | None, progress: Progress) -> WeakLabelResult:
    """``rules:`` votes combined by a label model (``method``, default Dawid-Skene)."""
    method = method or "dawid_skene"
    min_confidence = MIN_CONFIDENCE if min_confidence is None else min_confidence
    if not 0.0 <= min_confidence <= 1.0:
        raise InvalidInputError(f"min_confidence is {min_confidence}; expected 0..1",
                                hint="e.g. --min-confidence 0.7")
    found = rule_votes(store, project, progress)
    covered = np.flatnonzero((found.votes >= 0).any(axis=1))
    n_classes = len(found.rules.labels)
    name, labels, confidence = fit_label_model(method, found.votes[covered], n_classes)
    result = WeakLabelResult(method, name, f"label_model:{method}", min_confidence,
                             n_records=len(found.record_ids), n_covered=len(covered))
    answers = _accepted(found, covered, labels, confidence, min_confidence, name)
    result.below_threshold = len(covered) - len(answers)
    store_weak_answers(store, answers, result)
    result.labels = dict(Counter(label for label, _ in answers.values()))
    return result


@_apply_for.register
def _(task: SpanTask, store: Store, project: Project, method: str | None,
      min_confidence: float | None, progress: Progress) -> WeakLabelResult:
    """``span_rules:`` combined per token by majority into weak spans."""
    from textloop.stages.rules.spans import apply_weak_spans

    if min_confidence is not None:
        raise InvalidInputError(
            f"--min-confidence {min_confidence:g} applies to label rules (rules:), whose votes "
            "a label model combines with a confidence; span rules combine by token majority, "
            "which has no confidence to compare",
            hint="leave --min-confidence out for span rules: a token gets a weak span when "
                 "more rules mark it with one label than with any other")

    return apply_weak_spans(store, project, method=method, progress=progress)


def store_weak_answers(store: Store, answers: dict[str, tuple[str, str]],
                       result: WeakLabelResult) -> None:
    """Make ``answers`` (record_id -> (value, meta JSON)) the standing weak answers of
    ``result.annotator`` in one transaction: append what is new or changed, retract what
    changed or is no longer given; counts go into ``result``."""
    with store.write() as conn:
        before = weak_labels.standing(conn, result.annotator, WEAK)
        rows, retract = _changes(before, answers, result)
        retract += weak_labels.duplicates(conn, result.annotator, WEAK)
        weak_labels.retract_many(conn, retract)
        annotation_log.insert(conn, rows)


def _accepted(found: RuleVotes, covered: np.ndarray, labels: np.ndarray,
              confidence: np.ndarray, min_confidence: float,
              label_model: str) -> dict[str, tuple[str, str]]:
    """record_id -> (label, meta JSON) for covered records the model labels confidently."""
    names = found.rules.names
    out = {}
    for row, label, p in zip(covered.tolist(), labels.tolist(), confidence.tolist(), strict=True):
        if label < 0 or p < min_confidence:
            continue
        voters = [names[j] for j in np.flatnonzero(found.votes[row] >= 0)]
        meta = json.dumps({"confidence": round(p, 4), "rules": voters,
                           "label_model": label_model})
        out[found.record_ids[row]] = (found.rules.labels[label], meta)
    return out


def _changes(before: dict[str, weak_labels.StandingLabel], answers: dict[str, tuple[str, str]],
             result: WeakLabelResult) -> tuple[list[dict[str, Any]], list[int]]:
    """Rows to append and annotation ids to retract; counts new/changed/unchanged/withdrawn."""
    now, rows, retract = time.time(), [], []
    for record_id, (label, meta) in answers.items():
        old = before.get(record_id)
        if old is not None and old.label == label and _voters(old.meta) == _voters(meta):
            result.unchanged += 1
            continue
        if old is None:
            result.new += 1
        else:
            result.changed += 1
            retract.append(old.id)
        rows.append({"record_id": record_id, "label": label, "kind": WEAK,
                     "annotator": result.annotator, "created_at": now, "meta": meta})
    stale = [old.id for record_id, old in before.items() if record_id not in answers]
    result.withdrawn = len(stale)
    return rows, retract + stale


def _voters(meta: str | None) -> list[str] | None:
    """The rules a stored weak label says voted for it (None when it does not say)."""
    try:
        found = json.loads(meta) if meta else None
    except ValueError:
        return None
    rules = found.get("rules") if isinstance(found, dict) else None
    return rules if isinstance(rules, list) else None
