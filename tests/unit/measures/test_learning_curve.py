"""Labels-needed estimates from an inverse power law, and the reasons when there is none."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.measures.learning_curve import (
    estimate_labels_needed,
    fit_curve,
    flattened_at,
    power_law,
)

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


def test_flattened_at_is_where_doubling_the_labels_adds_under_a_point() -> None:
    a, b, c = 0.92, 1.5, 0.5
    n = flattened_at((a, b, c), gain=0.01)
    gain = lambda m: float(power_law(np.array(2.0 * m), a, b, c) - power_law(np.array(m), a, b, c))  # noqa: E731
    assert gain(n) < 0.01 <= gain(n - 1)
    assert n == pytest.approx((1.5 * (1 - 2**-0.5) / 0.01) ** 2, rel=1e-3)  # about 1,930


def test_flattened_at_reads_a_fitted_early_plateau_and_never_overflows() -> None:
    """A curve that levels off by 200 labels (a frozen encoder on a balanced set) is flat
    from about then; a nearly straight curve is far from flat, and a shallow exponent
    gives the cap instead of an overflow."""
    early = fit_curve(curve(a=0.87, b=2.0, c=1.2, labels=[25, 50, 75, 100, 150, 200]))
    assert early is not None
    truth = (2.0 * (1 - 2**-1.2) / 0.01) ** (1 / 1.2)  # about 52
    assert flattened_at(early) == pytest.approx(truth, abs=2) and flattened_at(early) < 200
    rising = fit_curve(curve(a=0.95, b=1.5, c=0.5))
    assert rising is not None and flattened_at(rising) > 1000
    assert flattened_at((0.9, 50.0, 1e-3)) == 10**12
    assert flattened_at((0.9, 0.0, 0.5)) == 1
