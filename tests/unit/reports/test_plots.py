"""F1 bars and confidence plots."""

from __future__ import annotations

import numpy as np

from textloop.reports.plots import confidence_plot, f1_plot


def test_f1_plot_lists_classes_with_values_and_the_macro_line():
    per_class = {"good": {"f1": 0.9}, "bad": {"f1": 0.3}, "unseen": {"f1": None}}
    plot = f1_plot(per_class, macro_f1=0.6)
    assert plot is not None
    assert "macro F1 0.600" in plot.svg
    assert ">0.30<" in plot.svg and ">0.90<" in plot.svg
    assert "unseen" not in plot.svg


def test_f1_plot_is_skipped_when_no_class_has_an_f1():
    assert f1_plot({"a": {"f1": None}}, macro_f1=0.0) is None


def test_confidence_plot_counts_right_and_wrong_rows():
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    plot = confidence_plot(np.array([0, 1, 1]), probs)
    assert "correct (2 rows)" in plot.svg and "wrong (1 rows)" in plot.svg
    everything_right = confidence_plot(np.array([0]), np.array([[0.9, 0.1]]))
    assert "wrong (" not in everything_right.svg
