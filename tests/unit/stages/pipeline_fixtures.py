"""A small labeled project with a release, shared by train/evaluate/predict/status tests."""

from __future__ import annotations

import random
from pathlib import Path

from textloop.config import Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.release import create_release
from textloop.storage import Store

SPAM_WORDS = ["free", "win", "prize", "cash", "claim", "urgent", "offer", "reply", "txt", "now"]
HAM_WORDS = ["lunch", "home", "mum", "meeting", "later", "dinner", "movie", "see", "call", "ok"]


def write_dataset(path: Path, n: int = 240, seed: int = 0) -> Path:
    """A CSV of short spam/ham texts with clear but overlapping vocabularies."""
    rng = random.Random(seed)
    lines = ["text,label"]
    for i in range(n):
        label = "spam" if i % 3 == 0 else "ham"
        words = SPAM_WORDS if label == "spam" else HAM_WORDS
        body = " ".join(rng.choice(words) for _ in range(6)) + " " + rng.choice(HAM_WORDS)
        lines.append(f"{body} {i},{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def released(store: Store, project: Project, tmp_path: Path) -> str:
    import_file(store, project, write_dataset(tmp_path / "data.csv"), ImportOptions())
    return create_release(store, project).id


def project_in(language: str, tmp_path: Path) -> Project:
    """A spam/ham project whose ``language:`` is ``language`` (its texts stay English: what
    follows the language is only what the tag decides)."""
    from textloop.config import Label
    from textloop.stages.project import init_project

    return init_project(tmp_path / language, labels=[Label(name="spam"), Label(name="ham")],
                        language=language)


def embedded_model_ids(store: Store) -> set[str]:
    """The embedders whose vectors the store's cache holds."""
    from sqlalchemy import select

    from textloop.storage.schema import embeddings

    with store.read() as conn:
        return set(conn.execute(select(embeddings.c.model_id).distinct()).scalars())
