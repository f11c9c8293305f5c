"""The labeled records ``textloop clean`` examines, with their embeddings from the cache."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.executors import Executor
from textloop.models.embedders import get_embedder
from textloop.models.embedding_space import default_embedder
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.label.resolution import labeled_records
from textloop.stages.release.facts import label_order
from textloop.storage import Store
from textloop.types import LabeledRecord


@dataclass(frozen=True)
class CleanInputs:
    records: list[LabeledRecord]
    classes: list[str]
    """Labels present among the records, in the project's order."""
    y: np.ndarray
    """[n] class index of each record's label."""
    embeddings: np.ndarray | None
    language: str | None = None
    """The project's language: the out-of-fold models featurize as training would."""

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.records]

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.records]


def load_inputs(store: Store, project: Project, *, embed: bool = True,
                progress: Progress = NULL_PROGRESS,
                executor: Executor | None = None) -> CleanInputs:
    """Every record with a resolved label; refuses a store with none. Texts missing from
    the embedding cache are encoded on ``executor`` (default: this process)."""
    with store.read() as conn, progress.task("Reading labeled records"):
        records = labeled_records(conn, project.spec.labeling.policy)
    if not records:
        raise InvalidInputError(
            "nothing to clean: the store has no labeled records (expected at least one)",
            hint="import labeled data with `textloop import FILE --label-col COLUMN`, or "
                 "label records first")
    ordered, _ = label_order(project.spec.label_names, records)
    present = {r.label for r in records}
    classes = [label for label in ordered if label in present]
    index = {label: i for i, label in enumerate(classes)}
    y = np.array([index[r.label] for r in records], dtype=np.int64)
    vectors = (embed_texts(store, [r.text for r in records], progress, project.spec.language,
                           executor) if embed else None)
    return CleanInputs(records, classes, y, vectors, project.spec.language)


def embed_texts(store: Store, texts: list[str], progress: Progress = NULL_PROGRESS,
                language: str | None = None, executor: Executor | None = None) -> np.ndarray:
    """Embeddings from the store's cache; only texts never embedded before are computed,
    on ``executor`` (default: this process; the cache is written here either way).

    The embedder is the one training uses by default for the project's ``language``
    (``models.embedding_space.default_embedder``), so the vectors are shared with it.
    """
    embedder = get_embedder(default_embedder(language))
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return embedder.embed(texts, cache=store.embedding_cache, progress=progress,
                          runner=executor)
