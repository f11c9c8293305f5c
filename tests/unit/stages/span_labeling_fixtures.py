"""A span project (PER/ORG/LOC) with records in the labeling queue, for span labeling tests.

Records are written as given (``records.insert``, not an import, which would normalise line
endings): the labeling page must show and count any stored text exactly, CRLF included.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textloop.config import Label, Project
from textloop.stages.project.init import init_project
from textloop.storage import Store, queue, records
from textloop.texts import content_hash, record_id

SPAN_LABELS = (Label(name="PER", description="People, by name"),
               Label(name="ORG", description="Companies & <b>organisations</b>"),
               Label(name="LOC", description="Places"))


def span_project(root: Path, *, overlapping: bool = False,
                 span_rules: Sequence[dict[str, Any]] = (),
                 labels: Sequence[Label] = SPAN_LABELS) -> Project:
    project = init_project(root, labels=list(labels), task="spans")
    project.spec.spans.overlapping = overlapping
    if span_rules:
        project.spec = project.spec.model_validate(
            {**project.spec.model_dump(), "span_rules": list(span_rules)})
    project.save()
    return project


def queue_span_texts(store: Store, texts: Sequence[str], overlap: int = 1) -> list[str]:
    """Store ``texts`` exactly as given and queue them in this order; returns their ids."""
    ids = []
    with store.write() as conn:
        for text in texts:
            digest = content_hash(text)
            ids.append(record_id(digest))
            records.insert(conn, [{"id": ids[-1], "content_hash": digest, "text": text,
                                   "meta": "{}", "source_kind": "file",
                                   "created_at": 0.0}])
        queue.enqueue(conn, [{"record_id": rid, "priority": float(len(ids) - i),
                              "strategy": "test", "batch_id": "b1", "overlap": overlap,
                              "suggestion": None, "confidence": None}
                             for i, rid in enumerate(ids)])
    return ids
