"""Which embedder a model on embeddings uses: the project's language decides the default."""

from __future__ import annotations

import pytest

from textloop.models.classifiers import make_model, model_names
from textloop.models.embedding_space import default_embedder
from textloop.models.tags import model_tags
from textloop.registry import REGISTRY

EMBEDDING_MODELS = [name for name in model_names()
                    if model_tags(REGISTRY.resolve("model", name)[1]).needs_embeddings]


@pytest.mark.parametrize("language", ["ko", "ko-KR", "ja", "zh", "fr", "und-Cyrl", "mul"])
def test_non_english_projects_default_to_the_multilingual_encoder(language: str) -> None:
    assert default_embedder(language) == "use-multilingual-v3-int8"


@pytest.mark.parametrize("language", ["en", "en-GB", "EN", None, "und-Latn"])
def test_english_and_undecided_projects_keep_minilm(language: str | None) -> None:
    assert default_embedder(language) == "minilm-int8"


def test_every_model_on_embeddings_follows_the_language() -> None:
    assert {"embed-lr", "embed-mlp", "embed-ridge"} <= set(EMBEDDING_MODELS)
    for name in EMBEDDING_MODELS:
        assert make_model(name, language="ko")[1].embedder == "use-multilingual-v3-int8", name
        assert make_model(name, language="en")[1].embedder == "minilm-int8", name
        assert make_model(name)[1].embedder == "minilm-int8", name


def test_an_embedder_given_as_a_parameter_wins_over_the_language() -> None:
    _, model = make_model("embed-lr", {"embedder": "minilm-fp32"}, language="ko")
    assert model.embedder == "minilm-fp32"
