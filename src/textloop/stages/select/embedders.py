"""Inference optimisation: a run's trained head on each variant of its embedder, scored and timed.

``textloop evaluate RUN --compare-embedders`` answers "what do I give up for a faster or
smaller embedder?" on the run's own evaluation split. The head is used as trained (on the
vectors of its own embedder, int8 by default) and fed each variant's vectors: that is what a
user who swaps the embedder at serving time gets, without retraining. The variants are the
fp32 graph and the int8 graph (the default) of the run's embedder, and for MiniLM int8 with
texts truncated at 128 and 64 tokens instead of the model's 256 (a cheap "pruned" variant:
attention cost grows with length).

Per variant: accuracy and macro-F1 as ``evaluate`` computes them, agreement of predicted
labels with the fp32 variant, single-text latency (p50/p95, embedding + head + calibration)
and throughput at batch 64 on a fixed sample of the split, and the ONNX graph's size on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from textloop.errors import InvalidInputError
from textloop.measures.latency import batch_throughput, single_text_latency
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.models.embedders import OnnxEmbedder, get_embedder, minilm_embedder
from textloop.models.embedders.added import FP32_SUFFIX, is_added, split_name
from textloop.models.embedders.factory import family_of, model_file
from textloop.models.embedders.onnx_embedder import available_cores
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.evaluate.error_analysis.robustness import sample_rows
from textloop.stages.runs.loading import LoadedRun
from textloop.storage import Store

BATCH_SIZE = 64
LATENCY_TEXTS = 200
"""Texts timed per variant: enough for a stable p95, a few seconds per variant on 2 cores."""


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    precision: str
    max_tokens: int | None = None
    family: str = "minilm"
    """The embedder family (``factory.FAMILIES``): ``minilm``, ``use-multilingual-v3``."""

    def embedder(self) -> OnnxEmbedder:
        """The process's shared fp32 or int8 embedder; a truncated (MiniLM) variant gets its own."""
        if self.max_tokens is None:
            return cast(OnnxEmbedder, get_embedder(f"{self.family}-{self.precision}"))
        return minilm_embedder(self.precision, self.max_tokens)


VARIANTS = (Variant("fp32", "fp32"), Variant("int8", "int8"),
            Variant("int8, 128 tokens", "int8", 128), Variant("int8, 64 tokens", "int8", 64))
REFERENCE = VARIANTS[0].name


def variants_for(embedder: str) -> tuple[Variant, ...]:
    """The variants of a run's embedder: its family's fp32 and int8 (and truncated MiniLM).

    A head only takes vectors of the space it was trained in, so another family's variants
    would not even have its number of dimensions.
    """
    family = family_of(embedder)
    if family is None:
        raise InvalidInputError(f"embedder {embedder!r} has no fp32 and int8 variants to compare",
                                hint="--compare-embedders applies to the registered embedders")
    if family == "minilm":
        return VARIANTS
    return (Variant("fp32", "fp32", family=family), Variant("int8", "int8", family=family))


def compare_embedders(store: Store, loaded: LoadedRun, texts: Sequence[str],
                      y_true: Sequence[str], labels: Sequence[str], *,
                      latency_texts: int = LATENCY_TEXTS,
                      variants: Sequence[Variant] | None = None,
                      progress: Progress = NULL_PROGRESS) -> dict[str, Any]:
    """The ``inference`` section of an evaluation: one row per variant (by default those of
    the run's embedder, ``variants_for``), fp32 first."""
    model = loaded.model
    if not model_tags(model).needs_embeddings:
        raise InvalidInputError(
            f"run {loaded.run['name']} ({loaded.run['model']}) has no embedder to compare",
            hint="--compare-embedders applies to runs of embed-lr or embed-mlp")
    if is_added(model.embedder):  # its head reads another vector space than MiniLM's or USE's
        raise InvalidInputError(
            f"run {loaded.run['name']} embeds with {model.embedder!r}, an encoder added with "
            "`textloop models add`; the compared variants are those of textloop's own "
            "embedders (MiniLM's, USE-multilingual-v3's)",
            hint="to see what int8 costs with it, train one run with --param "
                 f"embedder={split_name(model.embedder)[0]} and one with --param "
                 f"embedder={split_name(model.embedder)[0]}{FP32_SUFFIX}, and evaluate both")
    variants = variants or variants_for(model.embedder)
    sample = latency_sample(texts, latency_texts)
    rows, predictions = [], []
    with progress.task(f"Comparing {len(variants)} embedders", total=len(variants)) as task:
        for variant in variants:
            embedder = variant.embedder()
            row, predicted = _score(store, loaded, variant, embedder, texts, y_true, labels,
                                    progress)
            row |= _timing(loaded, embedder, sample)  # loads the graph if the cache had all
            row["size_bytes"] = model_file(variant.precision, variant.family).stat().st_size
            rows.append(row)
            predictions.append(predicted)
            task.advance()
    for row, predicted in zip(rows, predictions, strict=True):
        row["agreement"] = float(np.mean(predicted == predictions[0])) if len(texts) else None
    return {"reference": variants[0].name, "trained_on": model.embedder_id_,
            "n": len(texts), "latency_texts": len(sample), "batch_size": BATCH_SIZE,
            "cores": available_cores(), "variants": rows}


def latency_sample(texts: Sequence[str], n: int) -> list[str]:
    """A fixed random sample of the split (seed 0), so reruns time the same texts."""
    return [texts[i] for i in sample_rows(len(texts), n, seed=0)]


def _score(store: Store, loaded: LoadedRun, variant: Variant, embedder: OnnxEmbedder,
           texts: Sequence[str], y_true: Sequence[str], labels: Sequence[str],
           progress: Progress) -> tuple[dict[str, Any], np.ndarray]:
    """Accuracy and macro-F1 of the head on this variant's vectors, and its predictions."""
    vectors = embedder.embed(list(texts), cache=store.embedding_cache, progress=progress)
    proba = align_proba(loaded.calibrated(loaded.model.predict_proba(vectors)),
                        list(loaded.model.classes_), labels)
    metrics = compute_metrics(list(y_true), proba, labels)
    return ({"name": variant.name, "model_id": embedder.model_id,
             "precision": variant.precision, "max_tokens": variant.max_tokens,
             "trained_on": embedder.model_id == loaded.model.embedder_id_,
             "file": model_file(variant.precision, variant.family).name,
             "accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"]},
            proba.argmax(axis=1))


def _timing(loaded: LoadedRun, embedder: OnnxEmbedder, sample: list[str]) -> dict[str, Any]:
    """Single-text latency and batch-64 throughput, text in, calibrated probabilities out.

    ``encode`` skips the embedding cache: every timed text really runs through the graph.
    """

    def predict(batch: list[str]) -> np.ndarray:
        vectors = embedder.encode(batch, batch_size=BATCH_SIZE)
        return loaded.calibrated(loaded.model.predict_proba(vectors))

    latency = single_text_latency(predict, sample)
    return {"p50_ms": latency["p50_ms"], "p95_ms": latency["p95_ms"],
            "texts_per_s": batch_throughput(predict, sample)}
