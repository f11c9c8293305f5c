"""Projects with labeled and unlabeled spam/ham texts for the active-learning stage."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.unit.stages.pipeline_fixtures import HAM_WORDS, SPAM_WORDS
from textloop.stages.ingest import ImportOptions, import_file

pytestmark = pytest.mark.model


def texts(n: int, seed: int, labeled: bool) -> str:
    rng = random.Random(seed)
    lines = ["text,label"]
    for i in range(n):
        label = "spam" if i % 3 == 0 else "ham"
        words = SPAM_WORDS if label == "spam" else HAM_WORDS
        body = " ".join(rng.choice(words) for _ in range(6))
        lines.append(f"{body} {seed}-{i},{label if labeled else ''}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def unlabeled_project(project, store, tmp_path: Path):
    data = tmp_path / "pool.csv"
    data.write_text(texts(150, 1, labeled=False))
    import_file(store, project, data, ImportOptions())
    return project, store


@pytest.fixture
def mixed_project(unlabeled_project, tmp_path: Path):
    project, store = unlabeled_project
    data = tmp_path / "seed.csv"
    data.write_text(texts(30, 2, labeled=True))
    import_file(store, project, data, ImportOptions())
    return project, store
