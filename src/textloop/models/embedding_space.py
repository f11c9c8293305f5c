"""What models on top of embeddings share: the vectors for their input, the embedder a
project's language calls for, and the check that a saved head still matches the vector space
its embedder name produces today."""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.errors import IntegrityError
from textloop.languages import may_be_english

ENGLISH_EMBEDDER = "minilm-int8"
MULTILINGUAL_EMBEDDER = "use-multilingual-v3-int8"


def default_embedder(language: str | None) -> str:
    """The embedder for a project in ``language``: MiniLM for English, USE-multilingual-v3
    for every other language.

    MiniLM was trained on English only: on Korean hate speech embed-lr reached macro-F1 0.418
    with it, 0.479 with USE-multilingual-v3 (see BENCHMARKS.md). A project with no language
    yet, or with Latin script not narrowed down (``und-Latn``), is taken to be English, as
    elsewhere (``languages.may_be_english``).
    """
    return ENGLISH_EMBEDDER if may_be_english(language) else MULTILINGUAL_EMBEDDER


def embedder_params(language: str | None) -> dict[str, Any]:
    """``language_params`` of a model on embeddings (see ``classifiers.make_model``): its
    ``embedder`` follows the project's language unless a parameter names one."""
    return {"embedder": default_embedder(language)}


def embedder_id(name: str) -> str:
    """The exact vector space a name stands for today (short names follow new versions)."""
    from textloop.models.embedders import get_embedder

    return get_embedder(name).model_id


def features(embedder: str, X: Any) -> np.ndarray:
    """Precomputed vectors pass through; texts are embedded (a 2-D array means vectors)."""
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return X
    from textloop.models.embedders import get_embedder

    return get_embedder(embedder).embed(list(X))


def same_space(embedder: str, trained_on: str | None, model_name: str) -> str:
    """The current id of ``embedder``; refuses a head trained on other vectors.

    A head on vectors from another model version would predict without error but skewed,
    so loading it is an error that says how to fix it.
    """
    now = embedder_id(embedder)
    if trained_on != now:
        raise IntegrityError(
            f"this model was trained on {trained_on} embeddings, but {embedder!r} now "
            f"produces {now}; its predictions would be skewed",
            hint=f"retrain it: textloop train --model {model_name}")
    return now
