"""The model a server answers with: what to serve, loading and warming it, noticing a move.

A server follows an alias (``champion`` by default) or serves one fixed run. Following an
alias, it asks the store which version the alias points at (one primary-key lookup) every
few seconds; when that changes it loads and warms the new version while the old one keeps
answering, then swaps one reference. A batch holds the model it started with, so batches
in flight finish on the old model and no request fails during the swap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textloop.errors import ConflictError
from textloop.models.tags import model_tags
from textloop.stages.predict.prediction import Prediction, predictions_from
from textloop.stages.runs.loading import LoadedRun, load_run
from textloop.stages.serving.errors import NotReadyError
from textloop.stages.serving.extract import Extraction, extractions_from
from textloop.storage import Store, model_versions

ServedAnswer = Prediction | Extraction
"""What a served model gives for one text: a label or number, or (a span model) spans."""

WARM_UP_TEXTS = ("warm up the model", "a second, somewhat longer text to warm up with")


@dataclass(frozen=True)
class ServeTarget:
    """What to serve: a model-version alias (followed as it moves) or a fixed run."""

    alias: str | None = "champion"
    run: str | None = None

    def __str__(self) -> str:
        return f"alias {self.alias}" if self.run is None else f"run {self.run}"


@dataclass(frozen=True)
class ServedModel:
    loaded: LoadedRun
    version: int | None

    @property
    def run_name(self) -> str:
        return str(self.loaded.run["name"])

    @property
    def labels(self) -> list[str]:
        return [] if self.loaded.is_regressor else [str(c) for c in self.loaded.model.classes_]

    @property
    def extracts_spans(self) -> bool:
        """A span model (its tags say ``task="spans"``): it answers with spans."""
        return model_tags(self.loaded.model).task == "spans"

    def predict(self, texts: Sequence[str]) -> list[Prediction] | list[Extraction]:
        """Predictions (spans, for a span model) for a batch (CPU-bound: call it from a
        worker thread). One entry point whatever the model, so the micro-batcher, the warm-up
        and hot reload serve span models unchanged."""
        if self.extracts_spans:
            return extractions_from(self.loaded, texts)
        return predictions_from(self.loaded, texts)


def predicted(answer: ServedAnswer, run: str) -> Prediction:
    """``answer`` as a label or number; 409 when the served model gives spans (a span run
    served for a project whose task is not spans)."""
    if isinstance(answer, Extraction):
        raise ConflictError(f"the served run {run} is a span model: it answers with spans",
                            hint="POST to /v1/extract, or serve a classifier")
    return answer


def extracted(answer: ServedAnswer, run: str) -> Extraction:
    """``answer`` as spans; 409 when the served model is not a span model."""
    if not isinstance(answer, Extraction):
        raise ConflictError(f"the served run {run} is not a span model",
                            hint="POST to /v1/classify, or serve a span model")
    return answer


def wanted_version(store: Store, target: ServeTarget) -> int | None:
    """The version the target names now (None for a fixed run); raises when an alias is unset."""
    if target.alias is None or target.run is not None:
        return None
    with store.read() as conn:
        version = model_versions.aliases(conn).get(target.alias)
    if version is None:
        raise NotReadyError(f"the alias {target.alias!r} points at no model version yet",
                            hint="register and promote one: `textloop register RUN`, then "
                                 "`textloop promote challenger`")
    return version


def load_served(store: Store, target: ServeTarget, version: int | None) -> ServedModel:
    """Load the target's model (``version`` from ``wanted_version``) and warm it up."""
    if target.run is not None:
        run_ref = target.run
    else:
        with store.read() as conn:
            run_ref = model_versions.get_version(conn, str(version))["run_id"]
    served = ServedModel(load_run(store, run_ref), version)
    served.predict(list(WARM_UP_TEXTS))  # sessions and lazy caches are ready before traffic
    return served
