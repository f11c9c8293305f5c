"""What every task shares: a model's declared task decides whether it fits the project."""

from __future__ import annotations

import pytest
from sklearn.base import BaseEstimator, RegressorMixin

from textloop.errors import InvalidInputError
from textloop.models.tags import ModelTags
from textloop.tasks import CLASSIFICATION, REGRESSION


class DeclaredRegressor(RegressorMixin, BaseEstimator):
    """Says it is a regressor through its tags only (no ``task`` attribute)."""

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="regression")


def test_the_declared_task_decides() -> None:
    REGRESSION.check_model(DeclaredRegressor(), "textloop.model.declared.v1")
    with pytest.raises(InvalidInputError, match="is a regression model"):
        CLASSIFICATION.check_model(DeclaredRegressor(), "textloop.model.declared.v1")
