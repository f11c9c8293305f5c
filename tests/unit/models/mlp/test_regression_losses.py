"""Regression losses: values on hand-made rows and gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.models.mlp.regression_losses import REGRESSION_LOSSES, huber, mae, mse


def test_values_on_known_residuals() -> None:
    scores, y = np.array([[1.0], [0.0], [3.0]]), np.array([0.0, 0.0, 0.0])
    assert mse(scores, y)[0] == pytest.approx((1 + 0 + 9) / 3)
    assert mae(scores, y)[0] == pytest.approx((1 + 0 + 3) / 3)
    # Huber (delta 1): 0.5 r^2 inside, |r| - 0.5 outside
    assert huber(scores, y)[0] == pytest.approx((0.5 + 0.0 + 2.5) / 3)


@pytest.mark.parametrize("name", sorted(REGRESSION_LOSSES))
def test_gradient_matches_finite_differences(name: str) -> None:
    rng = np.random.default_rng(3)
    scores, y = rng.normal(size=(7, 1)) * 2, rng.normal(size=7)
    scores[np.abs(scores[:, 0] - y) < 0.05, 0] += 0.3  # keep clear of MAE's kink
    loss = REGRESSION_LOSSES[name]
    _, grad = loss(scores.copy(), y)
    eps = 1e-6
    for i in range(len(y)):
        up, down = scores.copy(), scores.copy()
        up[i, 0] += eps
        down[i, 0] -= eps
        numeric = (loss(up, y)[0] - loss(down, y)[0]) / (2 * eps)
        assert grad[i, 0] == pytest.approx(numeric, rel=1e-4, abs=1e-7)
