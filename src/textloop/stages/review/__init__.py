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
from textloop.stages.review.summary import ReviewSummary, review_summary

__all__ = ["Decided", "Decision", "Evidence", "Related", "ReviewQueue", "ReviewSummary", "accept",
           "evidence", "exclude", "keep", "merge", "relabel", "review_queue", "review_summary",
           "undo"]
