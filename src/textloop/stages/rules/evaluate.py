"""``textloop rules``: the analysis of the project's rules on the records in the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import singledispatch

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.label.resolution import Resolution, current_labels
from textloop.stages.rules.analyze import RuleAnalysis, analyze_rules
from textloop.stages.rules.spans import SpanRulesReport, evaluate_span_rules
from textloop.stages.rules.votes import rule_votes
from textloop.storage import Store
from textloop.tasks import SpanTask, Task, require_verb, task_for
from textloop.types import AnnotationKind

HUMAN_GOLD = (AnnotationKind.HUMAN.value, AnnotationKind.ADJUDICATED.value,
              AnnotationKind.REVIEW.value)
_KINDS = tuple(kind.value for kind in AnnotationKind if kind != AnnotationKind.WEAK)
"""Label kinds that may serve as gold (never weak: the rules would be scored on themselves)."""


def evaluate_rules(store: Store, project: Project, *, gold_kinds: Sequence[str] = HUMAN_GOLD,
                   progress: Progress = NULL_PROGRESS) -> RuleAnalysis | SpanRulesReport:
    """Coverage, overlaps and conflicts of every rule, and its accuracy on gold records.

    Gold is each record's resolved label when its kind is in ``gold_kinds``: by default the
    labels people gave (``human``, ``adjudicated``, ``review``). Passing ``("import",)``
    scores rules against the labels that came with imported files, useful before anyone has labeled.
    A span project's ``span_rules:`` give a ``SpanRulesReport`` (``stages.rules.spans``).
    """
    require_verb(project, "rules")
    check_gold_kinds(gold_kinds)
    return _evaluate_for(task_for(project), store, project, gold_kinds, progress)


@singledispatch
def _evaluate_for(task: Task, store: Store, project: Project, gold_kinds: Sequence[str],
                  progress: Progress) -> RuleAnalysis | SpanRulesReport:
    """The ``rules:`` vote matrix analysed, with accuracy against gold labels."""
    found = rule_votes(store, project, progress)
    with store.read() as conn:
        resolved = current_labels(conn, project.spec.labeling.policy, task=task)
    gold = gold_indices(found.record_ids, resolved, found.rules.labels, gold_kinds)
    analysis = analyze_rules(found.votes, found.rules.names, found.rules.labels, gold)
    return replace(analysis, gold_kinds=list(gold_kinds))


@_evaluate_for.register
def _(task: SpanTask, store: Store, project: Project, gold_kinds: Sequence[str],
      progress: Progress) -> RuleAnalysis | SpanRulesReport:
    return evaluate_span_rules(store, project, gold_kinds, progress)


def check_gold_kinds(gold_kinds: Sequence[str]) -> None:
    """Refuse gold kinds that are unknown, empty, or weak (rules scored on themselves)."""
    if AnnotationKind.WEAK.value in gold_kinds:
        raise InvalidInputError("weak labels cannot be the truth the rules are scored against",
                                hint="use human,adjudicated or import")
    unknown = [kind for kind in gold_kinds if kind not in _KINDS]
    if unknown or not gold_kinds:
        given = f"unknown label kind {', '.join(map(repr, unknown))}" if unknown else "none"
        raise InvalidInputError(f"gold label kinds: {given}; expected some of "
                                f"{', '.join(_KINDS)}", hint="e.g. --gold human,adjudicated "
                                                            "or --gold import")


def gold_indices(record_ids: Sequence[str], resolved: dict[str, Resolution], labels: Sequence[str],
                 kinds: Sequence[str]) -> np.ndarray:
    """Class index of each record's resolved label when its kind counts as gold, else -1."""
    index = {name: i for i, name in enumerate(labels)}
    out = np.full(len(record_ids), -1, dtype=np.int64)
    for row, record_id in enumerate(record_ids):
        found = resolved.get(record_id)
        if found is not None and found.kind in kinds:
            out[row] = index.get(found.label, -1)
    return out
