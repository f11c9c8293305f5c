"""Learning curves: both panels drawn, the kept epoch marked, non-finite losses skipped."""

from __future__ import annotations

import math

from textloop.reports.training_curves import learning_curve_plot

HISTORY = [{"epoch": float(e), "train/loss": 1.0 / e, "val/loss": 0.5 + abs(e - 3) / 10,
            "val/macro_f1": 0.5 + e / 20, "val/accuracy": 0.6} for e in range(1, 7)]


def test_plot_has_both_panels_and_the_kept_epoch() -> None:
    plot = learning_curve_plot(HISTORY, kept_epoch=3)
    assert plot is not None and plot.wide
    for text in ("train/loss", "val/loss", "val/macro_f1", "kept epoch 3", "Loss", "Metrics"):
        assert text in plot.svg


def test_nan_losses_do_not_break_the_plot_and_no_history_gives_none() -> None:
    broken = [*HISTORY, {"epoch": 7.0, "train/loss": math.nan, "val/loss": "nan"}]
    plot = learning_curve_plot(broken, kept_epoch=None)
    assert plot is not None and "kept epoch" not in plot.svg
    assert learning_curve_plot([], kept_epoch=None) is None
