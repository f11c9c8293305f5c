"""Confusion-matrix heatmaps that stay legible from two classes to a hundred.

Up to ``ANNOTATE_MAX`` classes, counts and row-normalized rates are shown side by side with
every cell written out. Beyond that a full matrix of rates (with a square-root colour scale,
so rare confusions are still visible) is paired with a close-up of the classes involved in
the most frequent confusions, where the counts can be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize, PowerNorm
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from textloop.reports.figures import Plot, new_figure, report_style, short_label, to_svg

ANNOTATE_MAX = 20
FOCUS_CLASSES = 15
_INK = "#1f2937"


def confusion_plots(counts: np.ndarray, labels: Sequence[str]) -> list[Plot]:
    """The heatmaps for a confusion matrix (rows = true, columns = predicted)."""
    counts = np.asarray(counts)
    with report_style():
        if len(labels) <= ANNOTATE_MAX:
            return [_counts_plot(counts, labels), _rates_plot(counts, labels)]
        return [_rates_plot(counts, labels), *_focus_plots(counts, labels)]


def row_normalized(counts: np.ndarray) -> np.ndarray:
    """Each row divided by its total (the recall view); all-zero rows stay zero."""
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros(counts.shape, dtype=float), where=totals > 0)


def _counts_plot(counts: np.ndarray, labels: Sequence[str]) -> Plot:
    fig = _square_figure(len(labels))
    ax = fig.add_subplot()
    norm = Normalize(0, max(int(counts.max()), 1))
    image = _heatmap(ax, counts, labels, labels, norm)
    _annotate(ax, counts, norm, _count_texts(counts))
    fig.colorbar(image, ax=ax, shrink=0.8, label="rows")
    return Plot("Confusion matrix (counts)", to_svg(fig, "confusion-counts"),
                "Rows are the true label, columns the predicted label.", wide=len(labels) > 8)


def _rates_plot(counts: np.ndarray, labels: Sequence[str]) -> Plot:
    rates = row_normalized(counts)
    small = len(labels) <= ANNOTATE_MAX
    fig = _square_figure(len(labels))
    ax = fig.add_subplot()
    norm = Normalize(0, 1) if small else PowerNorm(0.5, 0, 1)
    image = _heatmap(ax, rates, labels, labels, norm)
    if small:
        _annotate(ax, rates, norm, _share_texts(rates, counts))
    fig.colorbar(image, ax=ax, shrink=0.6 if small else 0.4, label="share of the true row")
    caption = "Each row sums to 100%: the diagonal is the recall of that class."
    if not small:
        caption += " Colours use a square-root scale so that rare confusions stay visible."
    return Plot("Confusion matrix (row-normalized)", to_svg(fig, "confusion-rates"), caption,
                wide=len(labels) > 8)


def _focus_plots(counts: np.ndarray, labels: Sequence[str]) -> list[Plot]:
    """A readable close-up of the classes in the most frequent off-diagonal cells."""
    chosen = focus_classes(counts, FOCUS_CLASSES)
    if len(chosen) < 2:
        return []
    sub = counts[np.ix_(chosen, chosen)]
    names = [labels[i] for i in chosen]
    off_diagonal = np.ma.masked_where(np.eye(len(chosen), dtype=bool), sub)
    fig = _square_figure(len(chosen))
    ax = fig.add_subplot()
    norm = Normalize(0, max(int(off_diagonal.max()), 1))
    image = _heatmap(ax, off_diagonal, names, names, norm, cmap="Oranges")
    _annotate(ax, off_diagonal.filled(0), norm, _count_texts(sub))
    fig.colorbar(image, ax=ax, shrink=0.8, label="mistakes")
    return [Plot("Most confused classes (counts)", to_svg(fig, "confusion-focus"),
                 f"The {len(chosen)} classes involved in the most frequent mistakes; the "
                 "diagonal (correct predictions, grey) is left out of the colour scale.",
                 wide=True)]


def focus_classes(counts: np.ndarray, limit: int) -> list[int]:
    """Indices of up to ``limit`` classes, taken from the largest off-diagonal cells down."""
    mistakes = counts.astype(float).copy()
    np.fill_diagonal(mistakes, 0)
    chosen: list[int] = []
    for flat in np.argsort(-mistakes, axis=None, kind="stable"):
        i, j = divmod(int(flat), counts.shape[1])
        if mistakes[i, j] == 0 or len(chosen) >= limit:
            break
        chosen.extend(c for c in (i, j) if c not in chosen and len(chosen) < limit)
    return sorted(chosen)


def _square_figure(k: int) -> Figure:
    """Cells big enough for their text; room for tick labels below and left, colorbar right."""
    cells = max(2.4, 0.4 * k) if k <= ANNOTATE_MAX else min(0.112 * k, 9.5)
    return new_figure(cells + 2.8, cells + 1.9)


def _heatmap(ax: Axes, values: np.ndarray, rows: Sequence[str], cols: Sequence[str],
             norm: Normalize, cmap: str = "Blues") -> AxesImage:
    """Draw ``values`` as cells with short tick labels sized for the number of classes."""
    colours = _colormap(cmap)
    image = ax.imshow(values, cmap=colours, norm=norm, interpolation="none")
    size = 8 if len(rows) <= 12 else 6.5 if len(rows) <= 40 else 5.5
    ax.set_xticks(range(len(cols)), [short_label(c) for c in cols], fontsize=size,
                  **_column_label_style(cols))
    ax.set_yticks(range(len(rows)), [short_label(r) for r in rows], fontsize=size)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.spines[:].set_visible(False)
    ax.tick_params(length=0)
    return image


def _column_label_style(cols: Sequence[str]) -> dict[str, Any]:
    """Upright for a few short labels, slanted for some, vertical for many."""
    if len(cols) <= 4 and max(len(c) for c in cols) <= 8:
        return {"rotation": 0}
    if len(cols) <= ANNOTATE_MAX:
        return {"rotation": 45, "ha": "right", "rotation_mode": "anchor"}
    return {"rotation": 90}


def _colormap(name: str) -> Colormap:
    """A copy of a named colormap where masked cells are light grey."""
    return colormaps[name].with_extremes(bad="#e5e7eb")


def _count_texts(counts: np.ndarray) -> list[list[str]]:
    """Cell texts for counts; empty cells stay blank so the eye finds the mistakes."""
    return [[f"{int(c):d}" if c else "" for c in row] for row in counts]


def _share_texts(rates: np.ndarray, counts: np.ndarray) -> list[list[str]]:
    """Cell texts for rates; a non-empty cell never reads as 0%."""
    def text(rate: float, count: int) -> str:
        return "" if not count else "<1%" if rate < 0.005 else f"{rate:.0%}"

    return [[text(float(r), int(c)) for r, c in zip(rate_row, count_row, strict=True)]
            for rate_row, count_row in zip(rates, counts, strict=True)]


def _annotate(ax: Axes, values: np.ndarray, norm: Normalize, texts: list[list[str]]) -> None:
    """Write each cell's text, white on dark cells, so every number can be read."""
    k = len(texts)
    size = 9 if k <= 6 else 7.5 if k <= 12 else 6.5
    for i, row in enumerate(texts):
        for j, text in enumerate(row):
            if text:
                dark = float(norm(values[i, j])) > 0.55
                ax.text(j, i, text, ha="center", va="center", fontsize=size,
                        color="white" if dark else _INK)
