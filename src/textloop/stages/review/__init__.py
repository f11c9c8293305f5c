"""Review of ``textloop clean`` findings: the queue with its evidence, decisions and undo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.review.actions import Decided as Decided
    from textloop.stages.review.actions import accept as accept
    from textloop.stages.review.actions import edit as edit
    from textloop.stages.review.actions import exclude as exclude
    from textloop.stages.review.actions import keep as keep
    from textloop.stages.review.actions import merge as merge
    from textloop.stages.review.actions import relabel as relabel
    from textloop.stages.review.actions import undo as undo
    from textloop.stages.review.evidence import Decision as Decision
    from textloop.stages.review.evidence import Evidence as Evidence
    from textloop.stages.review.evidence import Related as Related
    from textloop.stages.review.evidence import ReviewQueue as ReviewQueue
    from textloop.stages.review.evidence import evidence as evidence
    from textloop.stages.review.evidence import review_queue as review_queue
    from textloop.stages.review.filters import FINDING_KINDS as FINDING_KINDS
    from textloop.stages.review.filters import ReviewFilter as ReviewFilter
    from textloop.stages.review.summary import ReviewSummary as ReviewSummary
    from textloop.stages.review.summary import review_summary as review_summary

__all__, __getattr__ = lazy_front(__name__, {
    "actions": ("Decided", "accept", "edit", "exclude", "keep", "merge", "relabel", "undo"),
    "evidence": ("Decision", "Evidence", "Related", "ReviewQueue", "evidence", "review_queue"),
    "filters": ("FINDING_KINDS", "ReviewFilter"),
    "summary": ("ReviewSummary", "review_summary"),
})
