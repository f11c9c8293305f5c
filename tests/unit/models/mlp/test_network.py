"""The numpy network: analytic gradients match finite differences, losses behave."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.models.mlp.losses import LOSSES, cross_entropy, multiclass_hinge
from textloop.models.mlp.network import backward, forward, init_weights


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("layers", [1, 2])
def test_backward_matches_finite_differences(loss_name: str, layers: int) -> None:
    rng = np.random.default_rng(3)
    weights = {k: v.astype(np.float64) for k, v in
               init_weights([5, *[7] * layers, 3], rng).items()}
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 3, size=8)
    loss, l2 = LOSSES[loss_name], 0.01

    def objective() -> float:
        scores, _ = forward(weights, x)
        penalty = sum(float(np.sum(w * w)) for k, w in weights.items() if k.startswith("W"))
        return loss(scores, y)[0] + l2 / 2 * penalty

    scores, inputs = forward(weights, x)
    grads = backward(weights, inputs, loss(scores, y)[1], l2)
    for key in ("W0", "b0", f"W{layers}"):
        i = (0, 1) if key.startswith("W") else (1,)
        saved = weights[key][i]
        weights[key][i] = saved + 1e-6
        up = objective()
        weights[key][i] = saved - 1e-6
        down = objective()
        weights[key][i] = saved
        assert grads[key][i] == pytest.approx((up - down) / 2e-6, rel=1e-3, abs=1e-6)


def test_hinge_is_zero_once_the_true_class_wins_by_the_margin() -> None:
    scores = np.array([[3.0, 1.5, 0.0], [0.0, 0.5, 0.2]])
    loss, grad = multiclass_hinge(scores, np.array([0, 0]))
    assert loss == pytest.approx((0.0 + 1.5) / 2)  # row 1: 1 + 0.5 - 0
    assert np.all(grad[0] == 0.0)
    assert grad[1, 0] < 0 < grad[1, 1] and grad[1, 2] == 0.0


def test_cross_entropy_of_a_uniform_guess_is_log_k() -> None:
    loss, _ = cross_entropy(np.zeros((4, 3)), np.array([0, 1, 2, 0]))
    assert loss == pytest.approx(np.log(3))


def test_dropout_only_applies_with_a_generator() -> None:
    weights = init_weights([4, 50, 2], np.random.default_rng(0))
    x = np.ones((3, 4), dtype=np.float32)
    plain, _ = forward(weights, x, dropout=0.5)
    again, _ = forward(weights, x, dropout=0.5)
    dropped, _ = forward(weights, x, dropout=0.5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(plain, again)
    assert not np.allclose(plain, dropped)
