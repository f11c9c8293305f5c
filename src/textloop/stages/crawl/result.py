"""What a crawl did: pages stored, records new to the store, and every URL left out and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from textloop.stages.crawl.skips import SkippedUrl
from textloop.types import Jsonable


@dataclass
class CrawlResult(Jsonable):
    import_id: int
    source: str
    pages_fetched: int = 0
    records_new: int = 0
    responses: int = 0
    skipped: list[SkippedUrl] = field(default_factory=list)
    unvisited: int = 0
    seconds: float = 0.0

    def skip_counts(self) -> Counter[str]:
        """How many URLs were skipped for each kind of reason."""
        return Counter(s.kind.value for s in self.skipped)

    def to_dict(self) -> dict[str, Any]:
        """The counts, every skipped URL with its reason, and skips per kind of reason."""
        return {**super().to_dict(), "skip_counts": dict(self.skip_counts())}
