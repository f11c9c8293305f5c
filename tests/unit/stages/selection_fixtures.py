"""A released project whose labels are learnable but not trivially: scores grow with data.

Each text mixes its class's words with the other class's (``overlap``), so a model trained
on few rows errs often and one trained on many rows errs less, as on real data.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.unit.stages.pipeline_fixtures import HAM_WORDS, SPAM_WORDS
from textloop.config import Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import create_release
from textloop.storage import Store


def write_noisy_dataset(path: Path, n: int = 360, overlap: float = 0.4, seed: int = 0) -> Path:
    rng = random.Random(seed)
    lines = ["text,label"]
    for i in range(n):
        label = "spam" if i % 3 == 0 else "ham"
        own, other = (SPAM_WORDS, HAM_WORDS) if label == "spam" else (HAM_WORDS, SPAM_WORDS)
        words = [rng.choice(other if rng.random() < overlap else own) for _ in range(5)]
        lines.append(f"{' '.join(words)} w{rng.randrange(40)} row{i},{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def noisy_release(store: Store, project: Project, tmp_path: Path, n: int = 360) -> str:
    import_file(store, project, write_noisy_dataset(tmp_path / "noisy.csv", n), ImportOptions())
    return create_release(store, project).id
