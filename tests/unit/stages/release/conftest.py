"""Helpers for release tests: put labeled rows into a store through the real importer."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from textloop.config import Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import Store, annotation_log
from textloop.texts import content_hash, record_id

AddRows = Callable[..., list[str]]


def rid(text: str) -> str:
    """The id the store gives ``text``."""
    return record_id(content_hash(text))


@pytest.fixture
def add_rows(store: Store, project: Project, tmp_path: Path) -> AddRows:
    """``add_rows([{"text": ..., "label": ..., <meta>}], name="a", split=None)`` imports a
    JSONL file (its rows pinned to ``split`` if given) and returns the ids of its rows."""
    counter = iter(range(10_000))

    def add(rows: Sequence[dict[str, Any]], name: str | None = None,
            split: str | None = None) -> list[str]:
        path = tmp_path / f"{name or 'batch'}-{next(counter)}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        meta = sorted({k for r in rows for k in r} - {"text", "label"})
        import_file(store, project, path, ImportOptions(
            text_col="text", label_col="label", meta_cols=meta, add_labels=True, split=split))
        return [rid(r["text"]) for r in rows]

    return add


def relabel(store: Store, record: str, label: str, annotator: str = "alice") -> None:
    """A human label, which the resolver prefers over the imported one."""
    with store.write() as conn:
        annotation_log.insert(conn, [{"record_id": record, "label": label, "kind": "human",
                                   "annotator": annotator, "created_at": time.time()}])


def spam_ham(n: int, prefix: str = "message") -> list[dict[str, Any]]:
    """``n`` distinct rows alternating spam/ham."""
    return [{"text": f"{prefix} number {i}", "label": "spam" if i % 2 else "ham"}
            for i in range(n)]
