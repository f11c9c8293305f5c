"""int8 embeddings stay faithful to fp32 on real texts (the quantisation acceptance check)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from tests.conftest import shared_data
from textloop.models.embedders import get_embedder

pytestmark = [pytest.mark.integration, pytest.mark.model]

N_TEXTS = 500


def first_texts(name: str, n: int = N_TEXTS) -> list[str]:
    texts = []
    with gzip.open(shared_data(name), "rt", encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) == n:
                break
    return texts


@pytest.mark.parametrize("dataset", ["sms_spam.jsonl.gz", "ag_news.jsonl.gz",
                                     "davidson_hate_offensive.jsonl.gz", "banking77.jsonl.gz"])
def test_int8_keeps_mean_cosine_to_fp32_of_at_least_0_994(dataset: str) -> None:
    """Measured with per-token scales: mean 0.9959-0.9976, worst text 0.982-0.995.

    The bounds leave room for other ONNX Runtime versions and CPUs; the acceptance criterion
    is a mean of at least 0.99 (the per-batch scale used before reached 0.992-0.995).
    """
    texts = first_texts(dataset)
    assert len(texts) == N_TEXTS
    cosine = np.sum(get_embedder("minilm-int8").embed(texts)
                    * get_embedder("minilm-fp32").embed(texts), axis=1)
    assert cosine.mean() >= 0.994, f"{dataset}: mean cosine {cosine.mean():.4f}"
    assert cosine.min() >= 0.97, f"{dataset}: worst text at {cosine.min():.4f}"


def test_int8_vectors_are_the_same_in_a_batch_and_alone() -> None:
    """No train/serve skew: training embeds in batches, serving one text at a time."""
    embedder = get_embedder("minilm-int8")
    texts = first_texts("sms_spam.jsonl.gz", 300)
    batched = embedder.encode(texts)
    alone = np.stack([embedder.encode([text])[0] for text in texts])
    cosine = np.sum(batched * alone, axis=1)
    assert cosine.min() > 0.99999, f"worst text at {cosine.min():.7f}: {texts[cosine.argmin()]!r}"


def test_int8_neighbours_mostly_share_the_label() -> None:
    """The vectors carry meaning: a text's nearest other text is usually of the same class."""
    rows = []
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(1000), handle, strict=False)]
    vectors = get_embedder("minilm-int8").embed([r["text"] for r in rows])
    labels = np.array([r["label"] for r in rows])
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    agreement = float(np.mean(labels[similarity.argmax(axis=1)] == labels))
    assert agreement > 0.95  # the majority class alone gives 0.85
