"""Where a review stands: findings of a cleaning run by kind and decision, and exclusions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from textloop.storage import Store, findings, reviews

REVIEW_PATH = "/review"


@dataclass(frozen=True)
class ReviewSummary:
    cleaning_id: str
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    """kind -> status (open, accepted, kept, relabeled, excluded, merged) -> findings."""
    excluded_records: int = 0
    """Records excluded from releases now, by decisions on any run."""
    path: str = REVIEW_PATH

    @property
    def open(self) -> int:
        return sum(c.get(findings.OPEN, 0) for c in self.by_kind.values())

    @property
    def decided(self) -> int:
        return sum(n for c in self.by_kind.values() for s, n in c.items() if s != findings.OPEN)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "open": self.open, "decided": self.decided}


def review_summary(store: Store, cleaning: str = "latest") -> ReviewSummary:
    """The summary of one run (the latest by default); refuses when there is none."""
    with store.read() as conn:
        run = findings.get(conn, cleaning)
        counts = findings.counts(conn, run["id"])
        excluded = len(reviews.excluded_ids(conn))
    ordered = {kind: counts[kind] for kind in (*findings.PRIORITY, *sorted(counts))
               if kind in counts}
    return ReviewSummary(run["id"], ordered, excluded)
