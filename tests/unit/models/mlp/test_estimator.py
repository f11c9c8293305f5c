"""``embed-mlp``: learns, is deterministic, reports epochs, and round-trips without pickle."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from textloop.errors import IntegrityError, InvalidInputError
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import make_model
from textloop.models.mlp import EmbedMLP
from textloop.storage.bundles import load_bundle, save_bundle


def blobs(n: int = 300, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Three well separated Gaussian blobs in 16 dimensions."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(3, 16))
    which = rng.integers(0, 3, size=n)
    x = (centres[which] + rng.normal(size=(n, 16))).astype(np.float32)
    return x, [("a", "b", "c")[i] for i in which]


def accuracy(model: EmbedMLP, x: np.ndarray, y: list[str]) -> float:
    return float(np.mean(model.predict(x) == np.array(y, dtype=object)))


@pytest.mark.parametrize("loss", ["cross_entropy", "hinge"])
def test_learns_a_separable_problem_with_either_loss(loss: str) -> None:
    x, y = blobs()
    model = EmbedMLP(loss=loss, hidden_units=32, epochs=20).fit(x[:240], y[:240])
    assert accuracy(model, x[240:], y[240:]) >= 0.95
    proba = model.predict_proba(x[240:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert list(model.classes_) == ["a", "b", "c"]


def test_hinge_and_cross_entropy_train_different_models() -> None:
    x, y = blobs()
    ce = EmbedMLP(loss="cross_entropy", hidden_units=16, epochs=5).fit(x, y)
    hinge = EmbedMLP(loss="hinge", hidden_units=16, epochs=5).fit(x, y)
    assert not np.allclose(ce.decision_function(x), hinge.decision_function(x))


def test_same_seed_same_model_other_seed_other_model() -> None:
    x, y = blobs()
    first = EmbedMLP(hidden_units=16, epochs=4, seed=7).fit(x, y).decision_function(x)
    second = EmbedMLP(hidden_units=16, epochs=4, seed=7).fit(x, y).decision_function(x)
    other = EmbedMLP(hidden_units=16, epochs=4, seed=8).fit(x, y).decision_function(x)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)


def test_callback_gets_every_epoch_and_can_stop() -> None:
    x, y = blobs()
    seen: list[tuple[int, dict[str, float]]] = []

    def on_epoch(epoch: int, metrics: dict[str, float], model: object) -> bool:
        seen.append((epoch, metrics))
        return epoch == 3

    model = EmbedMLP(hidden_units=16, epochs=10, hidden_layers=2)
    model.fit(x[:200], y[:200], validation=(x[200:], y[200:]), on_epoch=on_epoch)
    assert [epoch for epoch, _ in seen] == [1, 2, 3] and model.epochs_run_ == 3
    assert {"train/loss", "val/loss", "val/macro_f1", "val/accuracy"} <= set(seen[0][1])
    assert seen[-1][1]["train/loss"] < seen[0][1]["train/loss"]


def test_validation_labels_unseen_in_training_are_left_out() -> None:
    x, y = blobs()
    seen: list[dict[str, float]] = []
    EmbedMLP(hidden_units=8, epochs=1).fit(
        x[:100], y[:100], validation=(x[100:103], ["a", "zzz", "b"]),
        on_epoch=lambda epoch, metrics, model: seen.append(metrics) or False)
    assert np.isfinite(seen[0]["val/loss"])


def test_bundle_round_trip_without_pickle(tmp_path) -> None:
    x, y = blobs()
    name, model = make_model("embed-mlp", {"hidden_units": 16, "hidden_layers": 2, "epochs": 3})
    assert name == "textloop.model.embed-mlp.v1"
    model.fit(x, y)
    sha = save_bundle(tmp_path / "b", to_bundle(model, name, {"release_id": "v1"}))
    contents = load_bundle(tmp_path / "b", sha)
    assert all(a.dtype != object for a in contents.arrays.values())
    with np.load(tmp_path / "b" / "arrays.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["W0", "W1", "W2", "b0", "b1", "b2"]
    rebuilt = from_bundle(contents, "b")
    np.testing.assert_array_equal(rebuilt.predict_proba(x), model.predict_proba(x))
    assert rebuilt.get_params() == model.get_params()


def test_bundle_with_missing_layers_is_refused(tmp_path) -> None:
    x, y = blobs()
    model = EmbedMLP(hidden_units=8, epochs=1).fit(x, y)
    contents = to_bundle(model, "textloop.model.embed-mlp.v1", {})
    contents.meta["params"]["hidden_layers"] = 2
    with pytest.raises(IntegrityError, match="weight arrays"):
        from_bundle(contents, "b")


def test_clone_and_bad_params() -> None:
    model = EmbedMLP(hidden_units=12, loss="hinge")
    assert clone(model).get_params() == model.get_params()
    x, y = blobs(30)
    with pytest.raises(InvalidInputError, match=r"loss 'squared'.*hidden_layers 3"):
        EmbedMLP(loss="squared", hidden_layers=3).fit(x, y)
