"""Ridge and MLP regressors: they learn a real signal, and survive a bundle round trip."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import make_model, regressor_names

TEXTS = [f"{'great ' * k}movie {'bad ' * (5 - k)}" for k in range(6)] * 10
TARGETS = [float(k) for k in range(6)] * 10


def test_the_regressors_are_registered_and_marked() -> None:
    assert {"tfidf-ridge", "embed-ridge", "embed-mlp-regressor"} <= set(regressor_names())
    assert "tfidf-lr" not in regressor_names()


def test_tfidf_ridge_learns_counts_and_round_trips() -> None:
    name, model = make_model("tfidf-ridge", {"alpha": 0.1})
    model.fit(TEXTS, TARGETS)
    pred = model.predict(["great great great great great movie", "movie bad bad bad bad bad"])
    assert pred[0] > 4.0 and pred[1] < 1.0
    rebuilt = from_bundle(to_bundle(model, name, {}), "test")
    assert np.allclose(rebuilt.predict(TEXTS), model.predict(TEXTS))
    assert list(rebuilt.classes_) == [] and not hasattr(rebuilt, "predict_proba")


def test_mlp_regressor_fits_standardized_targets_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 8)).astype(np.float32)
    y = 100.0 + 20.0 * x[:, 0] - 10.0 * x[:, 1]  # far from zero mean, unit spread
    name, model = make_model("embed-mlp-regressor", {"epochs": 60, "dropout": 0.0,
                                                     "learning_rate": 0.005})
    seen: list[dict[str, float]] = []
    model.fit(x[:300], y[:300], validation=(x[300:], y[300:]),
              on_epoch=lambda epoch, metrics, m: seen.append(metrics) and False)
    error = np.mean(np.abs(model.predict(x[300:]) - y[300:]))
    assert error < 0.2 * np.std(y), "the head must explain most of a linear signal"
    assert seen[-1]["val/mae"] < seen[0]["val/mae"] and "val/r2" in seen[-1]
    rebuilt = from_bundle(to_bundle(model, name, {}), "test")
    assert np.allclose(rebuilt.predict(x), model.predict(x), atol=1e-4)


def test_unknown_regression_loss_is_refused() -> None:
    _, model = make_model("embed-mlp-regressor", {"loss": "cross_entropy"})
    with pytest.raises(Exception, match="loss 'cross_entropy'"):
        model.fit(np.zeros((4, 3), dtype=np.float32), [0.0, 1.0, 2.0, 3.0])
