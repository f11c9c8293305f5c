"""Labels-needed estimates from an inverse power law, and the reasons when there is none."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.measures.learning_curve import estimate_labels_needed, power_law

LABELS = [50, 100, 150, 200, 300, 400]


def curve(a: float = 0.92, b: float = 1.5, c: float = 0.5, noise: float = 0.0,
          labels: list[int] = LABELS) -> list[tuple[int, float]]:
    rng = np.random.default_rng(0)
    return [(n, float(power_law(np.array(n), a, b, c)) + rng.normal(0.0, noise) if noise
             else float(power_law(np.array(n), a, b, c))) for n in labels]


def test_recovers_the_labels_needed_on_an_exact_power_law() -> None:
    estimate = estimate_labels_needed(curve(), 0.88)
    truth = (1.5 / (0.92 - 0.88)) ** 2  # 1406.25
    assert estimate.reason is None
    assert estimate.labels_needed == pytest.approx(truth, rel=0.02)
    assert estimate.more_labels == estimate.labels_needed - 400
    assert estimate.asymptote == pytest.approx(0.92, abs=1e-3)
    assert estimate.score_at_double == pytest.approx(0.92 - 1.5 / np.sqrt(800), abs=1e-3)


def test_noisy_points_still_give_the_right_order_of_magnitude() -> None:
    estimate = estimate_labels_needed(curve(noise=0.003), 0.88)
    assert estimate.labels_needed is not None
    assert 700 < estimate.labels_needed < 2800


def test_a_target_above_the_asymptote_is_refused_with_the_ceiling() -> None:
    estimate = estimate_labels_needed(curve(), 0.95)
    assert estimate.labels_needed is None
    assert "levels off at about 0.920" in (estimate.reason or "")
    assert estimate.asymptote == pytest.approx(0.92, abs=1e-3)


def test_too_few_points_says_how_many_are_needed() -> None:
    estimate = estimate_labels_needed(curve()[:3], 0.88)
    assert estimate.labels_needed is None and estimate.asymptote is None
    assert "scores at 4 different label counts" in (estimate.reason or "")
    assert "(3 so far)" in (estimate.reason or "")


def test_a_target_already_met_needs_no_more_labels() -> None:
    estimate = estimate_labels_needed(curve(), 0.80)
    assert (estimate.labels_needed, estimate.more_labels, estimate.reason) == (400, 0, None)


def test_too_far_an_extrapolation_is_refused() -> None:
    estimate = estimate_labels_needed(curve(a=0.92, b=1.5, c=0.5), 0.919)
    assert estimate.labels_needed is None
    assert "too far to extrapolate" in (estimate.reason or "")


def test_a_fit_that_fails_says_so() -> None:
    points = [(n, float("nan")) for n in LABELS[:-1]] + [(400, 0.5)]
    estimate = estimate_labels_needed(points, 0.9)
    assert estimate.labels_needed is None
    assert "could not be fitted" in (estimate.reason or "")
