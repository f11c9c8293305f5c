"""Models declare what they can do (``__textloop_tags__``); stages read it with ``model_tags``."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from textloop.models.classifiers import EmbedLogReg, TfidfLogReg
from textloop.models.mlp import EmbedMLP
from textloop.models.mlp.regressor import EmbedMLPRegressor
from textloop.models.regressors import EmbedRidge, TfidfRidge
from textloop.models.tags import ModelTags, model_tags


def test_each_built_in_declares_its_capabilities() -> None:
    assert model_tags(TfidfLogReg) == ModelTags(follows_language=True)
    assert model_tags(TfidfRidge) == ModelTags(task="regression", follows_language=True)
    assert model_tags(EmbedLogReg()) == ModelTags(needs_embeddings=True, embedder="minilm-int8",
                                                  follows_language=True)
    assert model_tags(EmbedRidge).task == "regression" and model_tags(EmbedRidge).needs_embeddings
    assert model_tags(EmbedRidge).follows_language and model_tags(EmbedMLP).follows_language
    mlp, regressor = model_tags(EmbedMLP), model_tags(EmbedMLPRegressor)
    assert mlp.iterative and not mlp.own_epochs and mlp.task == "classification"
    assert regressor == ModelTags(task="regression", needs_embeddings=True,
                                  embedder="minilm-int8", iterative=True, follows_language=True)


def test_the_embedder_tag_is_the_instance_s_own() -> None:
    assert model_tags(EmbedLogReg(embedder="minilm-fp32")).embedder == "minilm-fp32"
    assert model_tags(EmbedMLPRegressor(embedder="minilm-fp32")).embedder == "minilm-fp32"


class Foreign(ClassifierMixin, BaseEstimator):
    """A plain scikit-learn classifier, as a notebook would pass one."""

    needs_embeddings = True  # an attribute is not a declaration: it is not read

    def fit(self, x, y):
        self.classes_ = np.unique(y)
        return self


def test_a_model_that_declares_nothing_is_a_plain_text_classifier() -> None:
    assert model_tags(Foreign()) == ModelTags()


def test_tags_of_the_wrong_type_are_refused() -> None:
    class Loose(Foreign):
        def __textloop_tags__(self):
            return {"task": "regression"}

    with pytest.raises(TypeError, match="not ModelTags"):
        model_tags(Loose())
