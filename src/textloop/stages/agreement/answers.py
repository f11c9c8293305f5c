"""The standing human answers and decisions that every agreement report is built from.

Shared by the classification report (``report``) and the span report (``spans``): each
annotator's latest answer per record (undone answers are not in the log's standing rows),
and the latest adjudication or review decision per record.
"""

from __future__ import annotations

from collections.abc import Iterable

from textloop.stages.agreement.breakdown import Answers, Decisions
from textloop.stages.label.resolution import DECISIONS
from textloop.types import AnnotationKind

ADJUDICATION_PATH = "/adjudicate"
"""Where the web app decides disputed records (reports point readers there)."""


def latest_answers(votes: Iterable[tuple[str, str, str, str, float]]) -> Answers:
    """record_id -> {annotator: label} from (record_id, annotator, label, kind, at) rows in
    insertion order: later answers replace earlier ones; adjudications are left out."""
    out: Answers = {}
    for record_id, annotator, label, kind, _ in votes:
        if kind == AnnotationKind.HUMAN.value:
            out.setdefault(record_id, {})[annotator] = label
    return out


def latest_decisions(votes: Iterable[tuple[str, str, str, str, float]]) -> Decisions:
    """record_id -> (label, decider) of the latest adjudication or review decision, from the
    same rows as ``latest_answers`` (whatever the policy: a decision is evidence either way)."""
    return {record_id: (label, who) for record_id, who, label, kind, _ in votes
            if kind in DECISIONS}
