"""A released spam/ham project to publish: rows imported through the real importer, with
the license and redistribution terms ``textloop import`` records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from textloop.config import Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import Store

Import = Callable[..., None]


def rows(n: int, prefix: str = "message") -> list[dict[str, Any]]:
    """``n`` distinct rows alternating spam/ham, long enough to shingle."""
    return [{"text": f"{prefix} number {i} about the weekly {'offer' if i % 2 else 'meeting'}"
                     f" and what follows {i * 7}", "label": "spam" if i % 2 else "ham"}
            for i in range(n)]


@pytest.fixture
def add(store: Store, project: Project, tmp_path: Path) -> Import:
    """``add(rows, license="CC-BY-4.0", redistribute=True)`` imports a JSONL file."""
    counter = iter(range(1000))

    def run(batch: list[dict[str, Any]], **terms: Any) -> None:
        path = tmp_path / f"part-{next(counter)}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label",
                                                        **terms))

    return run


@pytest.fixture
def licensed(project: Project) -> Project:
    project.spec.release.license = "CC-BY-4.0"
    return project
