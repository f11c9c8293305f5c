"""The classification task: label values, label strata, probability scores, bands."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.config import ProjectSpec
from textloop.errors import InvalidInputError
from textloop.models.classifiers import make_model
from textloop.tasks import CLASSIFICATION, ValueProblem

SPEC = ProjectSpec(name="spam", labels=[{"name": "ham"}, {"name": "spam"}])
TEXTS = ["win a free prize now", "free cash click here", "see you at lunch",
         "meeting moved to noon", "claim your free reward", "lunch tomorrow?"]
LABELS = ["spam", "spam", "ham", "ham", "spam", "ham"]


def test_a_value_must_be_one_of_the_labels() -> None:
    assert CLASSIFICATION.check_value("spam", SPEC) == "spam"
    with pytest.raises(ValueProblem, match=r"'eggs' is not in textloop\.yaml"):
        CLASSIFICATION.check_value("eggs", SPEC)


def test_strata_follow_the_label_order() -> None:
    assert CLASSIFICATION.strata(["spam", "ham", "spam"], ["ham", "spam"]) == ([1, 0, 1], 2)


def test_one_label_is_not_enough_to_train() -> None:
    with pytest.raises(InvalidInputError, match="fewer than two labels"):
        CLASSIFICATION.check_train_labels("v1", ["spam", "spam"])


def test_scores_are_computed_in_the_project_label_order() -> None:
    _, model = make_model("tfidf-lr")
    model.fit(TEXTS, LABELS)
    output = CLASSIFICATION.model_output(model, TEXTS)
    assert output.shape == (6, 2) and np.allclose(output.sum(axis=1), 1.0)
    scores = CLASSIFICATION.score(LABELS, output, ["spam", "ham"], estimator=model,
                                  reference=LABELS)
    assert set(scores) == {"accuracy", "macro_f1", "weighted_f1", "log_loss"}
    assert scores["accuracy"] == 1.0


def test_a_regressor_is_refused_naming_the_models_that_fit() -> None:
    name, regressor = make_model("tfidf-ridge")
    with pytest.raises(InvalidInputError, match="is a regression model") as caught:
        CLASSIFICATION.check_model(regressor, name)
    assert "tfidf-lr" in (caught.value.hint or "")


def test_validation_fit_gives_bands_for_a_classifier() -> None:
    _, model = make_model("tfidf-lr")
    model.fit(TEXTS, LABELS)
    fitted = CLASSIFICATION.fit_on_validation(model.predict_proba(TEXTS), LABELS, model, SPEC,
                                              None)
    assert fitted.meta  # the calibrator and the action policy travel with the bundle
