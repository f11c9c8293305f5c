"""The standing human answers and decisions that every agreement report is built from.

Shared by the classification report (``report``) and the span report (``spans``): each
annotator's latest answer per record (undone answers are not in the log's standing rows),
and the latest adjudication or review decision per record. ``latest_answers`` lives with
the labeling stage, whose adjudication queue reads the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from textloop.stages.agreement.breakdown import Decisions
from textloop.stages.label.queue import latest_answers
from textloop.stages.label.resolution import DECISIONS

__all__ = ["ADJUDICATION_PATH", "latest_answers", "latest_decisions"]

ADJUDICATION_PATH = "/adjudicate"
"""Where the web app decides disputed records (reports point readers there)."""


def latest_decisions(votes: Iterable[tuple[str, str, str, str, float]]) -> Decisions:
    """record_id -> (label, decider) of the latest adjudication or review decision, from the
    same rows as ``latest_answers`` (whatever the policy: a decision is evidence either way)."""
    return {record_id: (label, who) for record_id, who, label, kind, _ in votes
            if kind in DECISIONS}
