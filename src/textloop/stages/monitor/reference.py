"""The reference side: the release the served model was trained on, as the checks read it.

The reference sample is at most ``max_reference`` rows of one split (validation by default:
the model's predictions there are held out, like production's, so their labels, bands and
confidence can be compared with production's without the optimism of training rows). The
model predicts it as it serves: a classifier through the same calibrator and band policy, a
span model with the same per-type thresholds (``reference_outputs``, one implementation per
task). The pool is a
bounded sample of the training split outside the reference sample: the training examples
an alert shows as the nearest ones. All embeddings go through the store's cache, so a
second run embeds nothing it has seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import singledispatch

import numpy as np

from textloop.config import Actions
from textloop.errors import NotFoundError
from textloop.models.embedding_space import default_embedder
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release.loader import SplitData, load_release
from textloop.stages.runs.loading import LoadedRun, model_inputs
from textloop.storage import Store
from textloop.strategies.drift.base import bounded
from textloop.strategies.drift.oov import vocabulary
from textloop.strategies.drift.span_base import SpanHit
from textloop.tasks import CLASSIFICATION, SpanTask, Task

POOL_ROWS = 5000


@dataclass
class Rows:
    """Row-aligned ids, texts, true labels and (once embedded) vectors."""

    ids: list[str]
    texts: list[str]
    labels: list[str]
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Reference:
    release_id: str
    split: str
    sample: Rows
    pool: Rows
    vocabulary: frozenset[str]
    """The training split's terms in the project's language (``oov.terms``), built once and
    shared by every slice's OOV check."""
    labels: list[str]
    proba: np.ndarray
    predicted: list[str]
    bands: list[str]
    spans: list[list[SpanHit]] | None = None
    """A span model's spans on each reference row, as served."""
    span_strings: frozenset[str] = frozenset()
    """The training split's span strings, case-folded (span projects)."""


@dataclass(frozen=True)
class ReferenceOutputs:
    """What the served model answers for the reference sample, row-aligned."""

    proba: np.ndarray
    predicted: list[str]
    bands: list[str]
    spans: list[list[SpanHit]] | None = None
    span_strings: frozenset[str] = frozenset()


def load_reference(store: Store, loaded: LoadedRun, release_id: str | None, split: str,
                   max_reference: int, seed: int = 0,
                   progress: Progress = NULL_PROGRESS, language: str | None = None,
                   task: Task = CLASSIFICATION) -> Reference:
    """The reference sample with the model's served predictions, and the training pool;
    ``language``: the project's, which decides what the vocabulary's terms are; ``task``:
    the project's, which decides what a served prediction is."""
    if release_id is None:
        raise NotFoundError(f"run {loaded.run['name']} has no release to compare with",
                            hint="monitor a version trained on a release (`textloop release`, "
                                 "then `textloop train`)")
    release = load_release(store, release_id)
    chosen = _non_empty(release.splits, split, release.id)
    rng = np.random.default_rng(seed)
    sample = _rows(release.splits[chosen], bounded(len(release.splits[chosen]), max_reference,
                                                    rng))
    train = release.train
    taken = set(sample.ids)
    outside = np.array([i for i, rid in enumerate(train.ids) if rid not in taken],
                       dtype=np.int64)
    pool = _rows(train, outside[bounded(len(outside), POOL_ROWS, rng)])
    labels = [str(c) for c in loaded.model.classes_]
    outputs = reference_outputs(task, loaded, sample, train, store, progress)
    return Reference(release_id=release.id, split=chosen, sample=sample, pool=pool,
                     vocabulary=frozenset(vocabulary(train.texts, language)), labels=labels,
                     proba=outputs.proba, predicted=outputs.predicted, bands=outputs.bands,
                     spans=outputs.spans, span_strings=outputs.span_strings)


@singledispatch
def reference_outputs(task: Task, loaded: LoadedRun, sample: Rows, train: SplitData,
                      store: Store, progress: Progress = NULL_PROGRESS) -> ReferenceOutputs:
    """A classifier's served answer: calibrated probabilities, the top label, the band."""
    labels = [str(c) for c in loaded.model.classes_]
    proba = loaded.served(model_inputs(loaded.model, sample.texts, store, progress))
    actions = Actions.model_validate(loaded.meta.get("actions") or {})
    scores = [actions.score_of(dict(zip(labels, map(float, row), strict=True))) for row in proba]
    return ReferenceOutputs(proba, [labels[int(i)] for i in proba.argmax(axis=1)],
                            [actions.band_for(score) for score in scores])


@reference_outputs.register
def _(task: SpanTask, loaded: LoadedRun, sample: Rows, train: SplitData, store: Store,
      progress: Progress = NULL_PROGRESS) -> ReferenceOutputs:
    from textloop.stages.monitor.span_side import span_reference

    return span_reference(loaded, sample.texts, train)


def embedder_name(loaded: LoadedRun, language: str | None = None) -> str:
    """The model's own embedder when it has one (its vectors are cached already), else the
    default for the project's ``language``."""
    tags = model_tags(loaded.model)
    if tags.needs_embeddings and tags.embedder:
        return tags.embedder
    return default_embedder(language)


def embed(store: Store, name: str, texts: Sequence[str],
          progress: Progress = NULL_PROGRESS) -> np.ndarray:
    """L2-normalised vectors through the store's embedding cache."""
    from textloop.models.embedders import get_embedder

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return get_embedder(name).embed(list(texts), cache=store.embedding_cache, progress=progress)


def _non_empty(splits: dict[str, SplitData], wanted: str, release: str) -> str:
    """The wanted split, or the first non-empty one of validation, test, train."""
    for name in (wanted, "validation", "test", "train"):
        if len(splits.get(name, ())) > 0:
            return name
    raise NotFoundError(f"release {release} has no rows to compare production with",
                        hint="monitor a model trained on a non-empty release")


def _rows(split: SplitData, keep: np.ndarray) -> Rows:
    return Rows([split.ids[i] for i in keep], [split.texts[i] for i in keep],
                [split.labels[i] for i in keep])

