"""The simulated model and its scores: same numbers as scikit-learn, warm starts that agree."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score

from textloop.stages.simulate.learner import WarmLearner, make_classifier, scores


def test_scores_match_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 400), rng.integers(0, 4, 400)  # class 4 never predicted
    y_true[y_true == 3] = 2  # class 3 only predicted, never true
    f1, accuracy = scores(y_true, y_pred, 6)
    assert f1 == pytest.approx(f1_score(y_true, y_pred, average="macro"))
    assert accuracy == pytest.approx(accuracy_score(y_true, y_pred))


def test_warm_started_fits_agree_with_a_fresh_fit() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 10))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)
    learner = WarmLearner().fit(X[:100], y[:100])
    learner.fit(X, y)
    fresh = make_classifier().fit(X, y)
    assert learner.predict_proba(X) == pytest.approx(fresh.predict_proba(X), abs=0.01)


def test_a_single_labeled_class_predicts_that_class() -> None:
    learner = WarmLearner().fit(np.zeros((3, 2)), np.array([2, 2, 2]))
    assert learner.predict_proba(np.zeros((4, 2))) is None
    assert learner.predict(np.zeros((4, 2))).tolist() == [2, 2, 2, 2]
    assert learner.classes.tolist() == [2]


def test_a_new_class_starts_a_fresh_model() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 4))
    learner = WarmLearner().fit(X[:40], np.repeat([0, 1], 20))
    first = learner.model
    learner.fit(X, np.repeat([0, 1, 2], 20))
    assert learner.model is not first and learner.classes.tolist() == [0, 1, 2]
