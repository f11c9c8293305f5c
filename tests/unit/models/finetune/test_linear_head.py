"""The linear softmax head reproduces scikit-learn's logistic regression exactly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from textloop.models.finetune.linear_head import LinearHead, fit_logistic_head


@pytest.mark.parametrize("n_classes", [2, 3])
def test_head_probabilities_equal_logistic_regression(n_classes: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5)).astype(np.float32)
    y = np.arange(60) % n_classes
    x[np.arange(60), y] += 2.0
    head = fit_logistic_head(x, y, n_classes, C=1.0)
    reference = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit(x, y)
    np.testing.assert_allclose(head.proba(x), reference.predict_proba(x), atol=1e-5)
    assert head.weight.shape == (n_classes, 5)


def test_head_round_trips_through_arrays() -> None:
    head = LinearHead(np.ones((2, 3), dtype=np.float32), np.array([0.5, -0.5], np.float32))
    again = LinearHead.from_arrays(head.arrays())
    x = np.eye(3, dtype=np.float32)
    np.testing.assert_array_equal(again.proba(x), head.proba(x))
