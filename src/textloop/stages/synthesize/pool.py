"""The real labeled records synthesis reads: what seeds come from and what the gate checks.

Synthetic records (accepted earlier) are left out: a seed must be a real example, and a new
candidate is compared with real data, not with earlier generations. The latest release's
test split is named here once, because two rules depend on it: no seed is taken from it, and
the gate rejects candidates too close to it (contamination of the held-out score).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Connection

from textloop.config import Project
from textloop.stages.label.resolution import labeled_records
from textloop.storage import Store, releases
from textloop.types import LabeledRecord, SourceKind

SYNTHETIC = SourceKind.SYNTHETIC.value


@dataclass(frozen=True)
class RealPool:
    records: list[LabeledRecord]
    test_ids: frozenset[str]
    """Records in the test split of ``release_id``."""
    release_id: str | None

    def counts(self) -> Counter[str]:
        return Counter(r.label for r in self.records)

    def is_test(self) -> list[bool]:
        return [r.id in self.test_ids for r in self.records]


def is_synthetic(record: LabeledRecord) -> bool:
    return record.source_kind == SYNTHETIC or record.label_kind == SYNTHETIC


def load_pool(store: Store, project: Project) -> RealPool:
    """Every real labeled record, and the test ids of the latest release, in one read."""
    with store.read() as conn:
        found = [r for r in labeled_records(conn, project.spec.labeling.policy)
                 if not is_synthetic(r)]
        release_id, test_ids = latest_test_ids(conn)
    return RealPool(found, test_ids, release_id)


def latest_test_ids(conn: Connection) -> tuple[str | None, frozenset[str]]:
    """(latest release id, its test record ids); (None, empty) before the first release."""
    catalogued = releases.list_all(conn)
    if not catalogued:
        return None, frozenset()
    latest = catalogued[-1]["id"]
    return latest, frozenset(rid for rid, split, _ in releases.rows(conn, latest)
                             if split == "test")
