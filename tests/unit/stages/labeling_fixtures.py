"""A project with unlabeled records in the labeling queue, for labeling/queue tests."""

from __future__ import annotations

from pathlib import Path

from textloop.config import Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import Store, queue, records


def queued(store: Store, project: Project, tmp_path: Path, n: int = 6,
           overlap: int = 1) -> list[str]:
    """Import ``n`` unlabeled texts and queue them, highest priority first; returns ids."""
    data = tmp_path / "unlabeled.csv"
    data.write_text("text\n" + "\n".join(f"message number {i}" for i in range(n)) + "\n")
    import_file(store, project, data, ImportOptions(label_col=""))
    with store.write() as conn:
        ids = sorted(r.id for r in records.iter_all(conn))
        queue.enqueue(conn, [{"record_id": rid, "priority": float(n - i), "strategy": "test",
                              "batch_id": "b1", "overlap": overlap, "suggestion": "spam",
                              "confidence": 0.7} for i, rid in enumerate(ids)])
    return ids
