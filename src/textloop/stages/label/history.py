"""``textloop show RECORD``: one record's text, its final label and why, and everything
that ever happened to it (answers, undos, adjudications, reviews, weak labels, comments,
exclusions), so any label in a release can be traced back to who gave it and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import NotFoundError
from textloop.stages.label.resolution import Resolution, labels_for
from textloop.storage import Store, annotation_log, comments, queue, records, reviews
from textloop.tasks import task_for
from textloop.types import StoredRecord


@dataclass
class RecordHistory:
    record: StoredRecord
    final: Resolution | None
    """The label a release would use, with the policy step that chose it."""
    annotations: list[dict[str, Any]] = field(default_factory=list)
    """All annotations, oldest first; undone ones carry ``retracted_at``."""
    comments: list[dict[str, Any]] = field(default_factory=list)
    exclusions: list[dict[str, Any]] = field(default_factory=list)
    queued: list[dict[str, Any]] = field(default_factory=list)
    """Its labeling-queue items, oldest first; ``strategy`` says why it was queued."""

    @property
    def excluded(self) -> bool:
        """Left out of releases right now (an exclusion that was not undone)."""
        return any(e.get("restored_at") is None for e in self.exclusions)

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop show --json`` prints: the record's fields beside its history."""
        rec = self.record
        return {"id": rec.id, "text": rec.text, "meta": rec.meta,
                "source_kind": rec.source_kind, "source_ref": rec.source_ref,
                "final": self.final._asdict() if self.final else None,
                "excluded": self.excluded, "annotations": self.annotations,
                "comments": self.comments, "exclusions": self.exclusions,
                "queued": self.queued}


def record_history(store: Store, project: Project, record_id: str) -> RecordHistory:
    """The record with its final label and full history; a clear error for an unknown id."""
    with store.read() as conn:
        found = records.get_many(conn, [record_id])
        if not found:
            raise NotFoundError(f"no record with id {record_id!r}",
                                hint="record ids are shown in the labeling app, reports and "
                                     "release files (column `id`)")
        final = labels_for(conn, [record_id], project.spec.labeling.policy,
                           task=task_for(project)).get(record_id)
        return RecordHistory(found[0], final, annotation_log.history(conn, record_id),
                             comments.for_record(conn, record_id),
                             reviews.exclusions_of(conn, record_id),
                             queue.items_for_record(conn, record_id))
