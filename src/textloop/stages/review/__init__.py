"""Review of ``textloop clean`` findings: the queue with its evidence, decisions and undo."""

from textloop.stages.review.actions import (
    Decided,
    accept,
    exclude,
    keep,
    merge,
    relabel,
    undo,
)
from textloop.stages.review.evidence import (
    Decision,
    Evidence,
    Related,
    ReviewQueue,
    evidence,
    review_queue,
)
from textloop.stages.review.filters import FINDING_KINDS, ReviewFilter
from textloop.stages.review.summary import ReviewSummary, review_summary

__all__ = ["FINDING_KINDS", "Decided", "Decision", "Evidence", "Related", "ReviewFilter",
           "ReviewQueue",
           "ReviewSummary", "accept",
           "evidence", "exclude", "keep", "merge", "relabel", "review_queue", "review_summary",
           "undo"]
