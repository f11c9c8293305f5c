"""The reliability diagram and its view, drawn from the evaluate stage's JSON."""

from __future__ import annotations

import numpy as np

from textloop.measures.calibration import calibration_report
from textloop.reports.calibration import calibration_view


def _section(method: str | None, k: int) -> dict:
    rng = np.random.default_rng(0)
    raw = rng.dirichlet(np.full(k, 0.3), size=200)
    calibrated = 0.5 * raw + 0.5 / k
    y = rng.integers(0, k, 200)
    return calibration_report(raw, calibrated, y, method, bins=10,
                              labels=[f"c{j}" for j in range(k)])


def test_binary_view_has_top_label_and_positive_class_panels() -> None:
    view = calibration_view(_section("textloop.calibration.temperature.v1", 2))
    assert view is not None
    (plot,) = view["plots"]
    assert plot.svg.startswith("<svg") and plot.wide
    assert "Positive class: c1" in plot.svg and "after calibration" in plot.svg


def test_multiclass_uncalibrated_view_draws_only_the_model() -> None:
    view = calibration_view(_section(None, 4))
    assert view is not None
    (plot,) = view["plots"]
    assert "Positive class" not in plot.svg and not plot.wide
    assert "before calibration" in plot.svg and "after calibration" not in plot.svg


def test_no_section_no_view() -> None:
    assert calibration_view(None) is None
