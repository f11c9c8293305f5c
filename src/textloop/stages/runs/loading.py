"""Pieces shared by train, evaluate and predict: model inputs, label alignment, run loading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError, NotFoundError
from textloop.executors import Executor
from textloop.measures.calibration import FittedCalibration, from_bundle_parts
from textloop.measures.span_calibration import SpanCalibration, span_calibration_from_meta
from textloop.models.bundle import from_bundle
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release import ReleaseData, load_release
from textloop.storage import Store, runs
from textloop.storage.bundles import load_bundle
from textloop.storage.refs import resolve_run
from textloop.types import BundleContents


def model_inputs(model: Any, texts: Sequence[str], store: Store | None,
                 progress: Progress = NULL_PROGRESS, executor: Executor | None = None) -> Any:
    """What ``fit``/``predict_proba`` take: texts, or cached embeddings for embedding models.
    Texts missing from the cache are encoded on ``executor`` (default: this process)."""
    tags = model_tags(model)
    if not tags.needs_embeddings:
        return list(texts)
    from textloop.models.embedders import get_embedder

    cache = store.embedding_cache if store is not None else None
    return get_embedder(str(tags.embedder)).embed(list(texts), cache=cache, progress=progress,
                                                  runner=executor)


@dataclass
class LoadedRun:
    run: dict[str, Any]
    model: Any
    meta: dict[str, Any]
    calibration: FittedCalibration | None = None
    span_calibration: SpanCalibration | None = None
    """A span model's score calibrator (``SpanTask.served_output`` applies it)."""

    def calibrated(self, proba: np.ndarray) -> np.ndarray:
        """The model's probabilities through the bundle's calibrator (as they are without one)."""
        return proba if self.calibration is None else self.calibration.apply(proba)

    @property
    def is_regressor(self) -> bool:
        return model_tags(self.model).task == "regression"

    def served(self, x: Any) -> np.ndarray:
        """What ``predict`` serves for inputs ``x``: calibrated probabilities, or numbers."""
        if self.is_regressor:
            return np.asarray(self.model.predict(x), dtype=np.float64)
        return self.calibrated(self.model.predict_proba(x))


@dataclass(frozen=True)
class RunBundle:
    """A finished run's bundle, verified and read into memory, without the store.

    What a worker on another process or machine (a Ray actor scoring a file) rebuilds the
    model from: it pickles (arrays and JSON, never a pickled model), and ``load`` gives
    the same ``LoadedRun`` that ``load_run`` gives here.
    """

    run: dict[str, Any]
    contents: BundleContents
    where: str

    def load(self) -> LoadedRun:
        meta = self.contents.meta
        return LoadedRun(run=self.run, model=from_bundle(self.contents, self.where), meta=meta,
                         calibration=from_bundle_parts(meta, self.contents.arrays),
                         span_calibration=span_calibration_from_meta(meta))


def read_run_bundle(store: Store, ref: str) -> RunBundle:
    """A finished run's verified bundle; ``ref`` is a run, a model version (``m3``) or an
    alias (``champion``), see ``storage.refs``."""
    with store.read() as conn:
        run = resolve_run(conn, ref)
    if run["status"] != runs.FINISHED or not run["bundle_path"]:
        raise NotFoundError(f"run {run['name']} has no model (status {run['status']})",
                            hint="train again with `textloop train`")
    folder = store.path_for(run["bundle_path"])
    return RunBundle(run=dict(run), contents=load_bundle(folder, run["bundle_sha256"]),
                     where=str(folder))


def load_run(store: Store, ref: str) -> LoadedRun:
    """A finished run with its verified bundle rebuilt into a model; ``ref`` is a run, a
    model version (``m3``) or an alias (``champion``), see ``storage.refs``."""
    return read_run_bundle(store, ref).load()


def run_and_split(store: Store, run_ref: str, split: str) -> tuple[LoadedRun, ReleaseData]:
    """A run with the release it was trained on, refusing an empty ``split`` of it."""
    loaded = load_run(store, run_ref)
    data = load_release(store, loaded.run["release_id"])
    if not data.splits[split].texts:
        raise InvalidInputError(f"release {data.id} has an empty {split} split",
                                hint="evaluate another split with --split")
    return loaded, data
