"""Which embedder monitoring compares production and reference texts with."""

from __future__ import annotations

from textloop.models.classifiers import make_model
from textloop.stages.monitor.reference import embedder_name
from textloop.stages.runs.loading import LoadedRun


def _loaded(name: str, **params: object) -> LoadedRun:
    return LoadedRun(run={"name": f"{name}-1"}, model=make_model(name, params)[1], meta={})


def test_a_model_without_embeddings_is_watched_with_the_languages_embedder() -> None:
    assert embedder_name(_loaded("tfidf-lr"), "ko") == "use-multilingual-v3-int8"
    assert embedder_name(_loaded("tfidf-lr"), "en") == "minilm-int8"


def test_a_model_on_embeddings_is_watched_with_its_own_embedder() -> None:
    """Its vectors are cached already, and a language edited later changes nothing."""
    assert embedder_name(_loaded("embed-lr", embedder="minilm-int8"), "ko") == "minilm-int8"
    assert embedder_name(_loaded("embed-lr", embedder="use-multilingual-v3-int8"), "en") == \
        "use-multilingual-v3-int8"
