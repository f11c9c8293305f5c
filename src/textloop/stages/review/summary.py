"""Where a review stands: findings of a cleaning run by kind and decision, and exclusions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from textloop.config import Project
from textloop.stages.review.batches import precision_batches
from textloop.stages.review.filters import ReviewFilter, require_review, select
from textloop.stages.review.reasons import describe
from textloop.storage import Store, findings, reviews

REVIEW_PATH = "/review"
LISTED = 20
"""Open findings listed when a filter is given (the first in review order)."""


@dataclass(frozen=True)
class ReviewSummary:
    cleaning_id: str
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    """kind -> status (open, accepted, kept, relabeled, excluded, merged) -> findings."""
    excluded_records: int = 0
    """Records excluded from releases now, by decisions on any run."""
    path: str = REVIEW_PATH
    filter: dict[str, Any] | None = None
    """The filter the counts follow (None: the whole run)."""
    first_open: list[dict[str, Any]] = field(default_factory=list)
    """With a filter: the first open findings it keeps, in review order, each with its
    ``details`` (the evidence and, where there is one, the ``suggested`` fix that accepting
    applies), so a script can decide as the review page would."""
    batches: list[dict[str, Any]] = field(default_factory=list)
    """The open label issues (under the filter) in review order, by batch, with each
    batch's estimated precision (``batches.precision_batches``)."""

    @property
    def open(self) -> int:
        return sum(c.get(findings.OPEN, 0) for c in self.by_kind.values())

    @property
    def decided(self) -> int:
        return sum(n for c in self.by_kind.values() for s, n in c.items() if s != findings.OPEN)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "open": self.open, "decided": self.decided}


def review_summary(store: Store, cleaning: str = "latest", *, project: Project | None = None,
                   flt: ReviewFilter | None = None) -> ReviewSummary:
    """The summary of one run (the latest by default); refuses when there is none.

    With an active ``flt`` (which needs the ``project`` for labels) the counts cover only
    the findings it keeps, and the first open ones are listed.
    """
    if project is not None:
        require_review(project)
    active = flt is not None and flt.active
    if active and project is None:
        raise ValueError("a filtered review summary needs the project")
    with store.read() as conn:
        run = findings.get(conn, cleaning)
        excluded = len(reviews.excluded_ids(conn))
        if not active:
            counts = findings.counts(conn, run["id"])
            batches = precision_batches(findings.in_review_order(conn, run["id"],
                                                                 findings.OPEN))
            return ReviewSummary(run["id"], _ordered(counts), excluded,
                                 batches=[b.to_dict() for b in batches])
        assert flt is not None and project is not None
        chosen = select(conn, project, run["id"], flt.check(project))
    counts = {kind: dict(by_status) for kind, by_status in chosen.by_kind.items()
              if flt.kind is None or kind == flt.kind}
    first = [{"finding_id": row["id"], "kind": row["kind"], "record_id": row["record_id"],
              "score": row["score"], "reason": describe(row["kind"], row["score"],
                                                        row["details"]),
              "details": row["details"]}
             for row in chosen.rows if row["status"] == findings.OPEN][:LISTED]
    batches = precision_batches([row for row in chosen.rows if row["status"] == findings.OPEN])
    return ReviewSummary(run["id"], _ordered(counts), excluded, filter=flt.to_dict(),
                         first_open=first, batches=[b.to_dict() for b in batches])


def _ordered(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {kind: counts[kind] for kind in (*findings.PRIORITY, *sorted(counts))
            if kind in counts}
