"""Confusion heatmaps: normalization, close-up selection, layout by class count."""

from __future__ import annotations

import numpy as np

from textloop.reports.confusion import confusion_plots, focus_classes, row_normalized


def test_row_normalized_divides_by_row_totals_and_keeps_empty_rows_zero():
    rates = row_normalized(np.array([[3, 1], [0, 0]]))
    assert rates.tolist() == [[0.75, 0.25], [0.0, 0.0]]


def test_focus_classes_follow_the_largest_mistakes():
    counts = np.array([[9, 0, 0, 5], [0, 9, 1, 0], [2, 0, 9, 0], [0, 0, 0, 9]])
    assert focus_classes(counts, limit=2) == [0, 3]
    assert focus_classes(counts, limit=4) == [0, 1, 2, 3]
    assert focus_classes(np.eye(3, dtype=int), limit=5) == []


def test_few_classes_get_annotated_counts_and_rates():
    plots = confusion_plots(np.array([[5, 1], [2, 7]]), ["ham", "spam"])
    assert [p.title for p in plots] == ["Confusion matrix (counts)",
                                        "Confusion matrix (row-normalized)"]
    assert ">71%<" not in plots[1].svg and ">78%<" in plots[1].svg  # 7 / 9


def test_many_classes_get_a_rates_matrix_and_a_close_up():
    k = 30
    counts = np.eye(k, dtype=int) * 10
    counts[3, 4] = 6
    plots = confusion_plots(counts, [f"class_{i}" for i in range(k)])
    assert [p.title for p in plots] == ["Confusion matrix (row-normalized)",
                                        "Most confused classes (counts)"]
    assert all(p.wide for p in plots)
    assert "class_3" in plots[1].svg and "class_20" not in plots[1].svg


def test_a_rare_confusion_never_reads_as_zero_percent():
    svg = confusion_plots(np.array([[999, 1], [0, 5]]), ["a", "b"])[1].svg
    assert "&lt;1%" in svg and ">0%<" not in svg
