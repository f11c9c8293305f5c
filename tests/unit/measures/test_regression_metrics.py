"""Regression metrics agree with scikit-learn and SciPy, and say when they are undefined."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from textloop.errors import InvalidInputError
from textloop.measures.regression_metrics import regression_metrics


def test_against_reference_implementations() -> None:
    rng = np.random.default_rng(1)
    truth = rng.uniform(1, 5, size=200)
    pred = truth + rng.normal(scale=0.5, size=200)
    m = regression_metrics(truth, pred, baseline=3.0)
    assert m["mae"] == pytest.approx(mean_absolute_error(truth, pred))
    assert m["rmse"] == pytest.approx(np.sqrt(mean_squared_error(truth, pred)))
    assert m["r2"] == pytest.approx(r2_score(truth, pred))
    assert m["spearman"] == pytest.approx(spearmanr(truth, pred).statistic)
    assert m["baseline_mae"] == pytest.approx(np.mean(np.abs(truth - 3.0)))
    assert m["n"] == 200


def test_constant_truth_or_prediction_leaves_fit_metrics_undefined() -> None:
    m = regression_metrics([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    assert m["r2"] is None and m["spearman"] is None and m["mae"] == pytest.approx(2 / 3)


def test_mismatched_inputs_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="equal non-empty"):
        regression_metrics([1.0, 2.0], [1.0])
