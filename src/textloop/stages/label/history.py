"""``textloop show RECORD``: one record's text, its final label and why, and everything
that ever happened to it (answers, undos, adjudications, reviews, weak labels, comments,
exclusions), so any label in a release can be traced back to who gave it and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import NotFoundError
from textloop.spans import decode_spans
from textloop.spans.render import mark_spans
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
    final_spans: list[dict[str, Any]] | None = None
    """A span project's final spans, each with its text (None for other tasks); every
    annotation then carries its own ``spans`` and ``marked`` too."""
    marked: str | None = None
    """The text with the final spans marked: ``[Ana](PER) works at [Acme](ORG)``."""

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
                "queued": self.queued} | ({} if self.final_spans is None else {
                    "final_spans": self.final_spans, "marked": self.marked})


def record_history(store: Store, project: Project, record_id: str) -> RecordHistory:
    """The record with its final label and full history; a clear error for an unknown id."""
    with store.read() as conn:
        found = records.get_many(conn, [record_id])
        if not found:
            raise NotFoundError(f"no record with id {record_id!r}",
                                hint="record ids are shown in the labeling app, reports and "
                                     "release files (column `id`)")
        task = task_for(project)
        final = labels_for(conn, [record_id], project.spec.labeling.policy,
                           task=task).get(record_id)
        history = RecordHistory(found[0], final, annotation_log.history(conn, record_id),
                                comments.for_record(conn, record_id),
                                reviews.exclusions_of(conn, record_id),
                                queue.items_for_record(conn, record_id))
    if task.value_kind == "spans":
        _with_spans(history)
    return history


def _with_spans(history: RecordHistory) -> None:
    """Decode every span value of the history (final and each annotation) into spans with
    their text, and the text with them marked."""
    text = history.record.text
    for row in history.annotations:
        row["spans"], row["marked"] = _spans_of(row["label"], text)
    if history.final is not None:
        history.final_spans, history.marked = _spans_of(history.final.label, text)
    else:
        history.final_spans, history.marked = [], text


def _spans_of(value: str, text: str) -> tuple[list[dict[str, Any]], str]:
    spans = decode_spans(value)
    return [{**span.to_dict(), "text": span.text_of(text)} for span in spans], mark_spans(
        text, spans)
