"""Cleaning report charts: log count axes read as plain numbers, never as raw TeX."""

from __future__ import annotations

import numpy as np

from textloop.reports.cleaning_plots import distance_plot, quality_plot


def test_log_count_axes_show_plain_numbers() -> None:
    flagged = np.array([True] * 3 + [False] * 2000)
    plot = quality_plot([0.05] * 3 + [0.95] * 2000, flagged)
    assert plot is not None
    assert "mathdefault" not in plot.svg and "10^" not in plot.svg
    assert ">1,000<" in plot.svg and ">flagged (3)<" in plot.svg


def test_distance_plot_marks_the_cut_off() -> None:
    plot = distance_plot([0.1, 0.2, 0.3, 0.25, 0.9], cutoff=0.6)
    assert plot is not None and "outlier cut-off 0.600" in plot.svg
    assert distance_plot([], cutoff=None) is None
